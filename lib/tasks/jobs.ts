import type { ClientTask } from '../sync/records';
import type { OutboxJob, OutboxPayload } from './records';

/** A write for the outbox, waiting to run now; `key` is its Idempotency-Key. */
export function newOutboxJob(
  task: ClientTask,
  payload: OutboxPayload,
  job: { key: string; closeId: string | null; seq: number; at: number; id: string },
): OutboxJob {
  return {
    id: job.id,
    taskId: task.id,
    tenantId: task.tenantId,
    bankTransactionId: task.bankTransactionId,
    closeId: job.closeId,
    seq: job.seq,
    payload,
    idempotencyKey: job.key,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: job.at,
    createdAt: job.at,
    updatedAt: job.at,
  };
}
