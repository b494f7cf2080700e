import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HubDatabase, openDatabase } from '../../hub/db/client.ts';
import { type Hub, startHub } from '../../hub/server.ts';

/**
 * The Client Hub server in this process, on an embedded PGlite kept in a data folder, so a test can
 * stop it and start it again on the same data (and port) like a restarted server. For tests outside
 * the hub's own project (tests/hub has its harness).
 */
export interface RestartableHub {
  readonly url: string;
  readonly dataDir: string;
  /** The running server (throws while stopped). */
  hub(): Hub;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startRestartableHub(): Promise<RestartableHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-restartable-'));
  let running: { hub: Hub; database: HubDatabase } | null = null;
  let port = 0;
  const start = async () => {
    if (running) return;
    const database = await openDatabase({ dataDir });
    const hub = await startHub({
      dataDir,
      database,
      port,
      // Sign-in limits have their own tests; here many browsers sign in within a minute.
      limits: { signInAttemptsPerMinute: 10_000 },
    });
    port = hub.port;
    running = { hub, database };
  };
  await start();
  const stop = async () => {
    if (!running) return;
    const { hub, database } = running;
    running = null;
    await hub.close();
    await database.close();
  };
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    dataDir,
    hub: () => {
      if (!running) throw new Error('the hub is stopped');
      return running.hub;
    },
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
