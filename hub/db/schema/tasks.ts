import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { user } from './auth.ts';
import { firm, workspace } from './firm.ts';

/** A row of one firm's workspace (deleting either deletes the row). */
export const inWorkspace = () => ({
  id: text('id').primaryKey(),
  firmId: text('firm_id')
    .notNull()
    .references(() => firm.id, { onDelete: 'cascade' }),
  workspaceId: text('workspace_id')
    .notNull()
    .references(() => workspace.id, { onDelete: 'cascade' }),
});

/**
 * Client Tasks, one per (firm, Xero organisation, bank transaction). `seq` is the firm's change
 * number of the task's last change (see hub/domain/changes.ts for why it is safe to page on).
 */
export const clientTask = pgTable(
  'client_task',
  {
    ...inWorkspace(),
    tenantId: text('tenant_id').notNull(),
    bankTransactionId: text('bank_transaction_id').notNull(),
    transaction: jsonb('transaction').$type<Record<string, unknown>>().notNull(),
    question: text('question').notNull().default(''),
    status: text('status', {
      enum: ['Open', 'Answered', 'Closed', 'Resolved in Xero', 'Cancelled'],
    }).notNull(),
    statusChangedBy: text('status_changed_by').references(() => user.id, { onDelete: 'set null' }),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    /** The account the client picked in the portal (when the firm let them), as the chart named it then. */
    clientAccountId: text('client_account_id'),
    clientAccountCode: text('client_account_code'),
    clientAccountName: text('client_account_name'),
    /** The firm accepted the client's account when closing: the browser that writes to Xero recodes to it. */
    clientAccountAccepted: boolean('client_account_accepted').notNull().default(false),
    /** Who wrote the closed task's answer into Xero (their browser holds the Xero token), and when. */
    writtenToXeroBy: text('written_to_xero_by').references(() => user.id, { onDelete: 'set null' }),
    writtenToXeroByName: text('written_to_xero_by_name'),
    writtenToXeroAt: timestamp('written_to_xero_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('client_task_natural_key').on(t.firmId, t.tenantId, t.bankTransactionId),
    index('client_task_workspace_seq_idx').on(t.workspaceId, t.seq),
    // The portal lists a workspace's questions by status, oldest first.
    index('client_task_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt),
  ],
);

/** What comments and files share: where they belong, and (with `seq`) their place in the changes feed. */
const onTask = () => ({
  ...inWorkspace(),
  taskId: text('task_id')
    .notNull()
    .references(() => clientTask.id, { onDelete: 'cascade' }),
});

export const taskComment = pgTable(
  'task_comment',
  {
    ...onTask(),
    authorId: text('author_id')
      .notNull()
      .references(() => user.id),
    body: text('body').notNull(),
    internal: boolean('internal').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('task_comment_task_idx').on(t.taskId, t.createdAt),
    index('task_comment_workspace_seq_idx').on(t.workspaceId, t.seq),
  ],
);

/** A file on a task; its bytes live in the file store under `sha256`. */
export const taskFile = pgTable(
  'task_file',
  {
    ...onTask(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => user.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('task_file_task_idx').on(t.taskId),
    index('task_file_workspace_seq_idx').on(t.workspaceId, t.seq),
  ],
);
