import { z } from 'zod';

/**
 * The Client Hub server's wire types: what the hub (`hub/`) accepts and answers, and what the
 * extension will send and read. One module so both sides agree; the hub's /openapi.json is
 * generated from these same schemas.
 */

export const HUB_ROLES = ['Admin', 'Manager', 'Staff', 'Client User'] as const;
export const hubRoleSchema = z.enum(HUB_ROLES);
export type HubRole = z.infer<typeof hubRoleSchema>;

export const TASK_STATUSES = ['Open', 'Answered', 'Closed', 'Resolved in Xero', 'Cancelled'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Xero's attachment limits (XERO-API-NOTES: 10 per document, 10 MB each). */
export const HUB_MAX_FILES_PER_TASK = 10;
export const HUB_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Tasks in one upsert request. */
export const HUB_MAX_BATCH = 500;

/** The file types Xero accepts as attachments, by extension (Xero takes the type from the name). */
export const ATTACHMENT_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  csv: 'text/csv',
  rtf: 'application/rtf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  zip: 'application/zip',
};

const id = z.string().min(1).max(100);
const isoDate = z.iso.datetime({ offset: true });

/** RFC 9457 problem details: `title` says what went wrong in plain words, `detail` what to do. */
export const hubProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** Field-level reasons for a request that did not validate. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type HubProblem = z.infer<typeof hubProblemSchema>;

export const healthSchema = z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgresql']) });

export const meSchema = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role: hubRoleSchema,
  firm: z.object({ id, name: z.string() }),
});

// Workspaces: one per client business.
export const workspaceInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** The Xero organisation this workspace's tasks come from. */
  tenantId: z.string().uuid().nullable().optional(),
});
export const workspaceUpdateSchema = workspaceInputSchema.partial();
export const workspaceSchema = z.object({
  id,
  name: z.string(),
  tenantId: z.string().nullable(),
  /** Whether the client picks an account in the portal, and from which accounts of the chart. */
  clientAccountChoice: z.boolean(),
  clientAccountIds: z.array(z.string()),
  createdAt: isoDate,
});
export type Workspace = z.infer<typeof workspaceSchema>;
export const workspaceListSchema = z.object({ workspaces: z.array(workspaceSchema) });

/** The firm's portal settings for a workspace (Admins and Managers). */
export const workspaceSettingsSchema = z.object({
  clientAccountChoice: z.boolean().optional(),
  /** Accounts (Xero AccountIDs) the client may pick; only those also in the chart are offered. */
  clientAccountIds: z.array(z.string().min(1).max(100)).max(2000).optional(),
});

/** The chart of accounts the extension uploads from Xero (replaces the previous one). */
export const chartAccountSchema = z.object({
  accountId: z.string().min(1).max(100),
  code: z.string().max(10).default(''),
  name: z.string().min(1).max(150),
  type: z.string().max(40).default(''),
});
export const HUB_MAX_CHART_ACCOUNTS = 2000;
export const chartInputSchema = z.object({
  accounts: z.array(chartAccountSchema).max(HUB_MAX_CHART_ACCOUNTS),
});
export const chartSchema = z.object({ accounts: z.array(chartAccountSchema) });

export const staffAssignmentSchema = z.object({ userId: id });
export const clientInviteSchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
});
/** A client user's invitation: sent, or taken up (they have signed in at least once). */
export const invitationStatusSchema = z.enum(['invited', 'signed in']);
export const workspaceMemberSchema = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role: hubRoleSchema,
  /** When they were assigned to (staff) or invited to (clients) this workspace. */
  addedAt: isoDate,
  /** Client users only; null for the firm's own people. */
  invitation: z.object({ status: invitationStatusSchema }).nullable(),
});
export const workspaceMembersSchema = z.object({ members: z.array(workspaceMemberSchema) });

// Firm users (Admin only).
export const firmUserInputSchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
  role: z.enum(['Admin', 'Manager', 'Staff']),
  /** Omit for users who sign in by emailed link only. */
  password: z.string().min(10).max(128).optional(),
});
export const firmUserSchema = z.object({ id, name: z.string(), email: z.string(), role: hubRoleSchema });
export const firmUserListSchema = z.object({ users: z.array(firmUserSchema) });

// Xero connections: metadata only, never a token.
/** An ISO 3166-1 alpha-2 country code, as Xero's Organisation gives it. */
export const countryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'a two-letter country code such as NZ');
export const connectionHealthSchema = z.enum(['healthy', 'needs attention', 'disconnected']);
export const connectionInputSchema = z.object({
  organisationName: z.string().trim().min(1).max(255),
  shortCode: z.string().trim().max(20).nullable().optional(),
  /** Xero's CountryCode of the organisation (e.g. "NZ"): the portal formats amounts and dates for it. */
  countryCode: countryCodeSchema.nullable().optional(),
  monitoredAccounts: z
    .array(z.object({ accountId: z.string().min(1).max(100), name: z.string().max(255) }))
    .max(50)
    .default([]),
  health: connectionHealthSchema.default('healthy'),
  lastSyncAt: isoDate.nullable().optional(),
});
export const connectionSchema = z.object({
  tenantId: z.string(),
  organisationName: z.string(),
  shortCode: z.string().nullable(),
  /** Absent from servers older than the column. */
  countryCode: z.string().nullable().default(null),
  monitoredAccounts: z.array(z.object({ accountId: z.string(), name: z.string() })),
  health: connectionHealthSchema,
  lastSyncAt: isoDate.nullable(),
  connectedBy: z.object({ userId: id, name: z.string() }),
  connectedAt: isoDate,
});
export const connectionListSchema = z.object({ connections: z.array(connectionSchema) });

// Client Tasks.
/** The bank transaction as Xero described it (kept whole; the hub reads only what it shows). */
export const xeroTransactionSchema = z
  .object({
    BankTransactionID: z.string().uuid(),
    Type: z.string().max(40).optional(),
    Date: z.string().max(40).optional(),
    Total: z.number().optional(),
    CurrencyCode: z.string().max(3).optional(),
    Reference: z.string().max(4000).optional(),
    Contact: z
      .object({ Name: z.string().max(500).optional() })
      .loose()
      .optional(),
  })
  .loose();

export const taskUpsertSchema = z.object({
  transaction: xeroTransactionSchema,
  /** The question for the client. */
  question: z.string().trim().max(4000).default(''),
});
export const taskBatchSchema = z.object({ tasks: z.array(taskUpsertSchema).min(1).max(HUB_MAX_BATCH) });

/** What a client sees of a task. */
export const clientTaskSchema = z.object({
  id,
  workspaceId: id,
  question: z.string(),
  date: z.string().nullable(),
  amount: z.number().nullable(),
  currencyCode: z.string().nullable(),
  contactName: z.string().nullable(),
  reference: z.string().nullable(),
  status: taskStatusSchema,
  /** The account the client picked when answering in the portal, as the chart named it then. */
  clientAccount: z.object({ accountId: z.string(), code: z.string(), name: z.string() }).nullable(),
  updatedAt: isoDate,
});
/** What the firm sees of a task. */
export const taskSchema = clientTaskSchema.extend({
  tenantId: z.string(),
  bankTransactionId: z.string(),
  transaction: z.record(z.string(), z.unknown()),
  statusChangedBy: z.object({ userId: id, name: z.string() }).nullable(),
  statusChangedAt: isoDate.nullable(),
  /** The firm accepted the client's account on Close: the browser writing to Xero recodes to it. */
  clientAccountAccepted: z.boolean().default(false),
  /** Who wrote the closed task's answer into Xero, and when (null until a browser holding the token did). */
  writtenToXero: z
    .object({ userId: z.string().nullable(), name: z.string(), at: isoDate })
    .nullable()
    .default(null),
  seq: z.number().int(),
});
export type HubTask = z.infer<typeof taskSchema>;
export const anyTaskSchema = z.union([taskSchema, clientTaskSchema]);
export const upsertResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  tasks: z.array(z.object({ id, bankTransactionId: z.string(), seq: z.number().int() })),
});

export const statusChangeSchema = z.object({
  status: taskStatusSchema,
  /**
   * When this status was set on the sender's computer (a change made before it was connected to the
   * server): the server keeps its own status if that changed at or after this time, so an old local
   * state never regresses a colleague's newer one.
   */
  changedAt: isoDate.optional(),
  /** Closed: the firm accepts the account the client chose (the Xero writer recodes to it). */
  acceptClientAccount: z.boolean().optional(),
  /** The sender's browser has written the answer into Xero (History, files, recode). */
  writtenToXero: z.boolean().optional(),
});

export const commentInputSchema = z.object({
  body: z.string().trim().min(1).max(10_000),
  /** Firm only: an internal note the client never sees. */
  internal: z.boolean().default(false),
});
export const commentSchema = z.object({
  id,
  taskId: id,
  body: z.string(),
  internal: z.boolean(),
  author: z.object({ userId: id, name: z.string(), role: hubRoleSchema }),
  createdAt: isoDate,
});
export const commentListSchema = z.object({ comments: z.array(commentSchema) });

export const fileSchema = z.object({
  id,
  taskId: id,
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.object({ userId: id, name: z.string() }),
  createdAt: isoDate,
});
export const fileListSchema = z.object({ files: z.array(fileSchema) });

/** One entry of the changes feed: the latest state of what changed, in sequence order. */
export const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('task'), seq: z.number().int(), task: anyTaskSchema }),
  z.object({ kind: z.literal('comment'), seq: z.number().int(), comment: commentSchema }),
  z.object({ kind: z.literal('file'), seq: z.number().int(), file: fileSchema }),
]);
export const changesPageSchema = z.object({
  changes: z.array(changeSchema),
  /** Pass as `since` for the next page; equal to `since` when nothing new. */
  nextSince: z.number().int(),
  hasMore: z.boolean(),
});
export type ChangesPage = z.infer<typeof changesPageSchema>;
export const changesQuerySchema = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const activitySchema = z.object({
  id: z.number().int(),
  action: z.string(),
  actor: z.object({ userId: id, name: z.string() }).nullable(),
  taskId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
});
export const activityListSchema = z.object({ activity: z.array(activitySchema) });
