import { z } from 'zod';
import { problemSchema } from '../errors';
import { clientTaskStatusSchema } from '../sync/records';

/**
 * What the Client Tasks workspace keeps in Dexie (schema v3): the conversation on a task, files people
 * attached (kept as Blobs until Xero has them), the outbox of writes to Xero, what Xero has attached,
 * and the task's own activity. Validated when read back, like every other stored record.
 */

/** An account the client picked for the transaction (from the company's chart of accounts). */
export const chosenAccountSchema = z.object({
  id: z.string().min(1).max(64),
  code: z.string().max(20),
  name: z.string().max(200),
});
export type ChosenAccount = z.infer<typeof chosenAccountSchema>;

/** One entry of a task's conversation: a comment from the firm, or the client's answer. */
export const taskMessageSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  tenantId: z.string(),
  at: z.number(),
  from: z.enum(['firm', 'client']),
  /** Who recorded it in Client Hub (the firm user's name). */
  recordedBy: z.string(),
  text: z.string(),
  account: chosenAccountSchema.nullable(),
  /** Set once the text is in the transaction's History in Xero. */
  writtenToXeroAt: z.number().nullable(),
  /** The comment's id on the Client Hub server, once it is there. */
  hubId: z.string().optional(),
});
export type TaskMessage = z.infer<typeof taskMessageSchema>;

export const taskFileStateSchema = z.enum([
  /** In IndexedDB, not yet part of a recorded answer. */
  'staged',
  /** Waiting in the outbox to go to Xero. */
  'queued',
  'uploaded',
  /** The same content is already on the transaction: not sent twice. */
  'duplicate',
  'failed',
]);
export type TaskFileState = z.infer<typeof taskFileStateSchema>;

export const taskFileSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  tenantId: z.string(),
  bankTransactionId: z.string(),
  /** The name Xero gets: forbidden characters replaced, unique on the transaction. */
  fileName: z.string(),
  /** The name on the person's computer. */
  originalName: z.string(),
  mimeType: z.string(),
  size: z.number().int().min(0),
  /** SHA-256 of the content (hex), computed by the background: the same file is never sent twice. */
  sha256: z.string().nullable(),
  blob: z.instanceof(Blob),
  addedAt: z.number(),
  state: taskFileStateSchema,
  problem: problemSchema.optional(),
});
export type TaskFile = z.infer<typeof taskFileSchema>;

export const outboxKindSchema = z.enum([
  'attachment',
  'history',
  'recode',
  'hub-task',
  'hub-status',
  'hub-comment',
  'hub-file',
]);
export type OutboxKind = z.infer<typeof outboxKindSchema>;

/** What a recode depends on: each line's account and amount, and the total. */
export const transactionShapeSchema = z.object({
  total: z.number(),
  lines: z.array(z.object({ accountId: z.string().nullable(), lineAmount: z.number() })).optional(),
});
export type TransactionShape = z.infer<typeof transactionShapeSchema>;

export const outboxPayloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('attachment'), fileId: z.string() }),
  /** A file on the Client Hub server (the client's receipt), downloaded when this job runs. */
  z.object({ kind: z.literal('client-file'), hubFileId: z.string() }),
  /** All notes of one answer in one PUT, so they land together and in order. */
  z.object({
    kind: z.literal('history'),
    messageIds: z.array(z.string()),
    notes: z.array(z.string()).min(1),
  }),
  z.object({
    kind: z.literal('recode'),
    account: chosenAccountSchema,
    /** Lower-cased AccountIDs whose lines move to `account`. */
    fromAccountIds: z.array(z.string()).min(1),
    /**
     * The transaction as the person saw it when they closed the task: the recode stops if Xero's
     * differs. Absent: recode it as it is (an old job, or Retry after "changed in Xero").
     */
    expected: transactionShapeSchema.optional(),
  }),
  // Writes to the firm's Client Hub server (lib/hub/push.ts): each sends the task's state when it runs.
  /** Create or refresh the task on the server (by natural key; sent in batches). */
  z.object({ kind: z.literal('hub-task') }),
  z.object({
    kind: z.literal('hub-status'),
    status: clientTaskStatusSchema,
    /** Set on a state from before the company was linked: the server keeps a newer status of its own. */
    changedAt: z.number().optional(),
    /** Closed: the firm accepts the client's account (the browser writing to Xero recodes to it). */
    acceptClientAccount: z.boolean().optional(),
    /** Closed, and this browser wrote the answer into Xero. */
    writtenToXero: z.boolean().optional(),
  }),
  /** The company's chart of accounts, for the portal's account choice (one job per company). */
  z.object({ kind: z.literal('hub-chart') }),
  z.object({ kind: z.literal('hub-comment'), messageId: z.string() }),
  z.object({ kind: z.literal('hub-file'), fileId: z.string() }),
]);
export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;

export const outboxStateSchema = z.enum(['pending', 'running', 'done', 'failed']);
export type OutboxState = z.infer<typeof outboxStateSchema>;

/** One write to Xero, kept until Xero has it: survives worker restarts, applied once (Idempotency-Key). */
export const outboxJobSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  tenantId: z.string(),
  bankTransactionId: z.string(),
  /** Set when the job belongs to a Close: the task becomes Closed when every job of it is done. */
  closeId: z.string().nullable(),
  /** Order of a task's jobs: a task's jobs run one after another. */
  seq: z.number(),
  payload: outboxPayloadSchema,
  /**
   * Sent as Idempotency-Key on every attempt: a repeat after a lost answer is not applied twice. A
   * person's Retry gets a new one (a fresh attempt, not Xero's stored refusal).
   */
  idempotencyKey: z.string().max(128),
  /** Sent to Xero at least once: Xero may already have it whatever the key (keys expire, Retry renews them). */
  tried: z.boolean().optional(),
  state: outboxStateSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  problem: problemSchema.optional(),
  /** What the write did, in words for the activity log. */
  result: z.string().optional(),
});
export type OutboxJob = z.infer<typeof outboxJobSchema>;

/** A Close waiting for its writes to Xero. */
export const closeRequestSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  requestedAt: z.number(),
  requestedBy: z.string(),
  /** The status to go back to if a write fails for good. */
  previousStatus: z.string(),
  state: z.enum(['writing', 'done', 'failed']),
});
export type CloseRequest = z.infer<typeof closeRequestSchema>;

/** Attachments as Xero has them on a transaction, refreshed only when Xero says the transaction changed. */
export const xeroAttachmentListSchema = z.object({
  tenantId: z.string(),
  bankTransactionId: z.string(),
  /** UpdatedDateUTC of the transaction when the list was read: a newer one means read it again. */
  updatedDateUtc: z.number().nullable(),
  fetchedAt: z.number(),
  attachments: z.array(
    z.object({
      attachmentId: z.string(),
      fileName: z.string(),
      mimeType: z.string(),
      contentLength: z.number(),
    }),
  ),
});
export type XeroAttachmentList = z.infer<typeof xeroAttachmentListSchema>;

export const taskEventKindSchema = z.enum([
  'answer-recorded',
  'comment',
  'close-requested',
  'closed',
  'reopened',
  'written-to-xero',
  'write-failed',
  'write-retried',
  /** A colleague or the client changed the status on the Client Hub server. */
  'hub-status',
]);

/** What happened to a task in Client Hub (Xero's edits are in the sync's taskActivity). */
export const taskEventSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  at: z.number(),
  kind: taskEventKindSchema,
  text: z.string(),
});
export type TaskEvent = z.infer<typeof taskEventSchema>;
