import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss, type QueueOptions } from 'pg-boss';
import type { HubDatabase, HubDb } from '../db/client.ts';

/**
 * The hub's durable job queue: pg-boss, on the hub's own database.
 *
 * Why pg-boss rather than our own `job` table: it is the well-kept PostgreSQL queue for Node
 * (row claims with FOR UPDATE SKIP LOCKED, retries with exponential backoff, expiry of jobs whose
 * worker died, safe with many instances), and since version 12 it runs on PGlite as well
 * (`fromPglite`, `backend: 'pglite'`), so the embedded hub and a PostgreSQL cluster share one code
 * path. `fromDrizzle` enqueues inside the caller's Drizzle transaction, so a job exists exactly
 * when the change that asked for it committed. pg-boss keeps its tables in its own `pgboss` schema
 * and migrates them itself (under an advisory lock, like ours); none of them are in our Drizzle
 * journal. Exactly-once sending is ours, not the queue's: see hub/domain/reminders.ts.
 */
export interface JobQueue {
  /** Adds a job; pass the transaction it belongs to (or the database) as `db`. */
  enqueue(name: string, data: object, db: HubDb): Promise<void>;
  /** Runs `handler` for each job of `name` in this instance; a throw retries the job later. */
  work<T>(name: string, handler: (data: T) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface JobQueueOptions {
  /** Each queue this hub uses, with its retry policy. */
  queues: Record<string, QueueOptions>;
  /** How often each worker looks for new jobs (pg-boss's floor is 0.5 s). */
  pollSeconds?: number;
  log?: (message: string, error?: unknown) => void;
}

export async function startJobQueue(database: HubDatabase, options: JobQueueOptions): Promise<JobQueue> {
  const common = {
    // We schedule ourselves (hub/jobs/worker.ts); pg-boss's cron and its extra monitors stay off.
    schedule: false,
    registerInstance: false,
    monitorVacuum: false,
    reindex: false,
    persistWarnings: false,
    openTelemetry: { enabled: false },
  } as const;
  const boss = database.pglite
    ? new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' })
    : new PgBoss({ ...common, connectionString: database.url, max: 3, application_name: 'client-hub-jobs' });
  const log = options.log ?? ((message, error) => console.error(message, error));
  boss.on('error', (error) => log('Client Hub job queue error', error));
  await boss.start();
  for (const [name, queueOptions] of Object.entries(options.queues)) {
    // createQueue leaves an existing queue as it is; updateQueue applies today's retry policy.
    await boss.createQueue(name, queueOptions);
    await boss.updateQueue(name, queueOptions);
  }
  return {
    async enqueue(name, data, db) {
      // HubDb's execute() is typed loosely (either driver); both answer { rows }, which is what pg-boss reads.
      await boss.send(name, data, {
        db: fromDrizzle(db as unknown as Parameters<typeof fromDrizzle>[0], sql),
      });
    },
    async work<T>(name: string, handler: (data: T) => Promise<void>) {
      await boss.work<T>(
        name,
        { pollingIntervalSeconds: options.pollSeconds ?? 2, batchSize: 1 },
        async (jobs) => {
          for (const job of jobs) await handler(job.data);
        },
      );
    },
    async stop() {
      // Graceful: a send in progress finishes (or its job is retried later by another instance).
      await boss.stop({ graceful: true, timeout: 10_000, close: !database.pglite });
    },
  };
}
