import { z } from 'zod';
import { problemSchema } from '../errors';

/**
 * What the sync keeps in Dexie (schema v2). Every record is validated when read back, like the v1 ones
 * in lib/db/records.ts.
 */

/** Transaction types Client Hub can turn into Client Tasks. Transfers, prepayments, overpayments never. */
export const supportedTypeSchema = z.enum(['SPEND', 'RECEIVE']);
export type SupportedType = z.infer<typeof supportedTypeSchema>;

/** One account of a Xero company's chart of accounts (from /Accounts). */
export const accountRecordSchema = z.object({
  tenantId: z.string(),
  accountId: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.string(),
  accountClass: z.string(),
  status: z.string(),
  description: z.string().optional(),
  /** Bank accounts are where money moves, never where a transaction is coded. */
  isBankAccount: z.boolean(),
  /** Xero's SystemAccount (DEBTORS, CREDITORS, GST, …): never a suggestion. */
  systemAccount: z.string().optional(),
  updatedAt: z.number().optional(),
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;

export const lineItemRecordSchema = z.object({
  accountId: z.string().nullable(),
  accountCode: z.string().nullable(),
  lineAmount: z.number(),
  description: z.string(),
});
export type LineItemRecord = z.infer<typeof lineItemRecordSchema>;

export const bankAccountRefSchema = z.object({ id: z.string(), name: z.string() });

/** A bank transaction as the last sync saw it: what tasks and the UI need, nothing more. */
export const bankTransactionRecordSchema = z.object({
  tenantId: z.string(),
  bankTransactionId: z.string(),
  type: z.string(),
  status: z.string(),
  /** Xero's transaction date, `YYYY-MM-DD` (a calendar date, no time zone). */
  date: z.string(),
  contactName: z.string(),
  /** Lower-cased ContactID (absent on records stored before it was kept). */
  contactId: z.string().optional(),
  description: z.string(),
  reference: z.string(),
  total: z.number(),
  currency: z.string(),
  bankAccount: bankAccountRefSchema,
  lineItems: z.array(lineItemRecordSchema),
  hasAttachments: z.boolean(),
  /** Epoch ms. */
  updatedDateUtc: z.number(),
  isReconciled: z.boolean(),
});
export type BankTransactionRecord = z.infer<typeof bankTransactionRecordSchema>;

export const clientTaskStatusSchema = z.enum(['Open', 'Answered', 'Closed', 'ResolvedInXero', 'Cancelled']);
export type ClientTaskStatus = z.infer<typeof clientTaskStatusSchema>;

/** The transaction as the task shows it; kept so the task still reads right if Xero changes. */
export const taskSnapshotSchema = z.object({
  date: z.string(),
  contactName: z.string(),
  description: z.string(),
  reference: z.string(),
  amount: z.number(),
  currency: z.string(),
  bankAccount: bankAccountRefSchema,
  /** The monitored account it is coded to (first such line), else the account Xero has it in now. */
  accountCoded: z
    .object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  hasAttachments: z.boolean(),
  /** Xero's list calls only say whether there are attachments; counted when someone opens the task. */
  attachmentCount: z.number().int().nullable(),
  type: z.string(),
  xeroStatus: z.string(),
});
export type TaskSnapshot = z.infer<typeof taskSnapshotSchema>;

/** A Client Task: one per (Xero company, BankTransactionID), never deleted. */
export const clientTaskSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  workspaceId: z.string().nullable(),
  bankTransactionId: z.string(),
  status: clientTaskStatusSchema,
  snapshot: taskSnapshotSchema,
  /**
   * 'push': a bookkeeper made it with "Push to Client Hub" (any account); absent or 'sync': the sync
   * made it because the transaction sat in a monitored account.
   */
  origin: z.enum(['sync', 'push']).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The task as the firm's Client Hub server has it (absent when Client Hub runs without a server). */
  hub: z
    .object({
      /** The server's id of the task (a task made here keeps its local `id`). */
      taskId: z.string(),
      workspaceId: z.string(),
      /** The server's change number of the state applied here: older changes are never applied. */
      seq: z.number().int(),
      statusChangedBy: z.object({ userId: z.string(), name: z.string() }).nullable(),
      statusChangedAt: z.string().nullable(),
      question: z.string(),
      /** The account the client picked in the portal (absent on rows stored before this was known). */
      clientAccount: z
        .object({ accountId: z.string(), code: z.string(), name: z.string() })
        .nullable()
        .optional(),
      /** The firm accepted that account when it closed the task. */
      clientAccountAccepted: z.boolean().optional(),
      /** Who wrote the closed task's answer into Xero, and when (ISO). */
      writtenToXero: z
        .object({ userId: z.string().nullable(), name: z.string(), at: z.string() })
        .nullable()
        .optional(),
      /** Fields the server sent that this version does not know, carried through unchanged. */
      extra: z.record(z.string(), z.unknown()),
    })
    .optional(),
});
export type ClientTask = z.infer<typeof clientTaskSchema>;
export type TaskHubState = NonNullable<ClientTask['hub']>;

export const fieldChangeSchema = z.object({
  /** In the user's words: "Amount", "Contact", "Account". */
  field: z.string(),
  from: z.string(),
  to: z.string(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const activityKindSchema = z.enum([
  'created',
  'edited-in-xero',
  'categorised-in-xero',
  'removed-in-xero',
  'back-in-monitored-account',
]);
export type ActivityKind = z.infer<typeof activityKindSchema>;

export const taskActivitySchema = z.object({
  id: z.string(),
  taskId: z.string(),
  tenantId: z.string(),
  at: z.number(),
  kind: activityKindSchema,
  text: z.string(),
  changes: z.array(fieldChangeSchema),
});
export type TaskActivity = z.infer<typeof taskActivitySchema>;

/**
 * Where a company's sync stands. Written in the same Dexie transaction as each page's task changes,
 * so a worker killed at any point resumes from the last committed page.
 */
export const syncCursorSchema = z.object({
  tenantId: z.string(),
  phase: z.enum(['backfill', 'incremental']),
  /** What the backfill was for (monitored accounts + transaction types); a change starts a new one. */
  scopeKey: z.string(),
  backfill: z
    .object({
      /** First calendar day included, `YYYY-MM-DD`, fixed when the backfill starts. */
      fromDate: z.string(),
      /** Xero's clock when the backfill started: incremental sync continues from here. */
      startedAtServer: z.number().nullable(),
      /** Keyset: everything modified before this second is done (epoch ms), null before the first page. */
      modifiedSince: z.number().nullable(),
      /** Page within `modifiedSince`, only above 1 when more than a page shares one second. */
      page: z.number().int().min(1),
      scanned: z.number().int(),
      /** /Accounts was read for this backfill: a resumed backfill does not read it again. */
      accountsLoaded: z.boolean().optional(),
    })
    .nullable(),
  /** If-Modified-Since for the next incremental sync (epoch ms), null until a backfill finished. */
  modifiedSince: z.number().nullable(),
  /** Progress of an incremental sync in flight (keyset as above). */
  incremental: z
    .object({
      modifiedSince: z.number(),
      page: z.number().int().min(1),
      /** Xero's clock at the run's first page: the next cursor, less the overlap. */
      startedAtServer: z.number(),
    })
    .nullable(),
  lastSuccessAt: z.number().nullable(),
  /** The workspace the company's tasks were last moved to (so the move runs only when it changes). */
  workspaceId: z.string().nullable().optional(),
});
export type SyncCursor = z.infer<typeof syncCursorSchema>;

export const syncPhaseSchema = z.enum(['accounts', 'backfill', 'incremental', 'done']);
export type SyncPhase = z.infer<typeof syncPhaseSchema>;

export const syncRunStateSchema = z.enum(['running', 'succeeded', 'failed', 'aborted', 'interrupted']);

/** One sync run of one Xero company: what the options page shows as progress and last result. */
export const syncRunSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  reason: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  state: syncRunStateSchema,
  phase: syncPhaseSchema,
  /** Records read; for a backfill, across the runs it took (so a progress bar can resume). */
  scanned: z.number().int(),
  /** What `scanned` should reach, from Xero's itemCount on the run's first page; null until then. */
  expected: z.number().int().nullable(),
  tasksCreated: z.number().int(),
  tasksUpdated: z.number().int(),
  /** Of tasksUpdated, by what Xero did (runs stored before these were counted have none). */
  tasksResolved: z.number().int().optional(),
  tasksCancelled: z.number().int().optional(),
  tasksReopened: z.number().int().optional(),
  tasksEdited: z.number().int().optional(),
  quarantined: z.number().int(),
  apiCalls: z.number().int(),
  problem: problemSchema.optional(),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

/** A record Xero sent that failed validation: kept aside with a plain reason, never silently dropped. */
export const quarantineRecordSchema = z.object({
  tenantId: z.string(),
  /** BankTransactionID or AccountID when readable, else a position in the page. */
  recordId: z.string(),
  source: z.enum(['BankTransactions', 'Accounts']),
  reason: z.string(),
  rawSnippet: z.string(),
  at: z.number(),
});
export type QuarantineRecord = z.infer<typeof quarantineRecordSchema>;

/** Per Xero company: which transaction types create Client Tasks. */
export const syncSettingsSchema = z.object({
  tenantId: z.string(),
  types: z.array(supportedTypeSchema).min(1),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

export const DEFAULT_TYPES: readonly SupportedType[] = ['SPEND'];
