import { z } from 'zod';
import type { ClientTask, ClientTaskStatus, TaskHubState, TaskSnapshot } from '../sync/records';
import {
  commentSchema,
  fileSchema,
  type TaskStatus,
  taskSchema,
  type taskUpsertSchema,
  xeroTransactionSchema,
} from './contract';

/**
 * How a Client Task in Dexie and a task on the Client Hub server describe each other. The server keeps
 * the bank transaction as Xero describes it; the extension sends only what Xero says (never what this
 * browser worked out, such as an attachment count), so two browsers syncing one Xero company send the
 * same description and the server sees no change.
 */

const TO_HUB: Record<ClientTaskStatus, TaskStatus> = {
  Open: 'Open',
  Answered: 'Answered',
  Closed: 'Closed',
  ResolvedInXero: 'Resolved in Xero',
  Cancelled: 'Cancelled',
};
const FROM_HUB = Object.fromEntries(Object.entries(TO_HUB).map(([local, hub]) => [hub, local])) as Record<
  TaskStatus,
  ClientTaskStatus
>;
export const hubStatusOf = (status: ClientTaskStatus): TaskStatus => TO_HUB[status];
export const localStatusOf = (status: TaskStatus): ClientTaskStatus => FROM_HUB[status];

/** The server's limits (lib/hub/contract.ts): a longer value would make it refuse the whole batch. */
const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

export function transactionOf(task: ClientTask): z.input<typeof taskUpsertSchema> {
  const s = task.snapshot;
  const line: Record<string, unknown> = { Description: s.description };
  if (s.accountCoded) {
    line.AccountID = s.accountCoded.id;
    if (s.accountCoded.code !== null) line.AccountCode = s.accountCoded.code;
    if (s.accountCoded.name !== null) line.AccountName = s.accountCoded.name;
  }
  return {
    transaction: {
      BankTransactionID: task.bankTransactionId,
      Type: clip(s.type, 40),
      Status: s.xeroStatus,
      Date: clip(s.date, 40),
      Total: s.amount,
      ...(s.currency.length === 3 ? { CurrencyCode: s.currency } : {}),
      Reference: clip(s.reference, 4000),
      Contact: { Name: clip(s.contactName, 500) },
      BankAccount: { AccountID: s.bankAccount.id, Name: s.bankAccount.name },
      LineItems: [line],
      HasAttachments: s.hasAttachments,
    },
    question: task.hub?.question ?? '',
  };
}

const text = z.string().catch('');
/** Read back leniently: a task a colleague's newer version sent still shows, with blanks where unknown. */
const storedTransactionSchema = xeroTransactionSchema.extend({
  Type: text,
  Status: text,
  Date: text,
  Total: z.number().catch(0),
  CurrencyCode: text,
  Reference: text,
  Contact: z.object({ Name: text }).loose().catch({ Name: '' }),
  BankAccount: z.object({ AccountID: text, Name: text }).loose().catch({ AccountID: '', Name: '' }),
  LineItems: z
    .array(
      z
        .object({
          Description: text,
          AccountID: z.string().optional().catch(undefined),
          AccountCode: z.string().optional().catch(undefined),
          AccountName: z.string().optional().catch(undefined),
        })
        .loose(),
    )
    .catch([]),
  HasAttachments: z.boolean().catch(false),
});

export function snapshotOf(transaction: Record<string, unknown>): TaskSnapshot {
  const t = storedTransactionSchema.parse({
    BankTransactionID: '00000000-0000-0000-0000-000000000000',
    ...transaction,
  });
  const line = t.LineItems[0];
  return {
    date: t.Date,
    contactName: t.Contact.Name,
    description: line?.Description ?? '',
    reference: t.Reference,
    amount: t.Total,
    currency: t.CurrencyCode,
    bankAccount: { id: t.BankAccount.AccountID, name: t.BankAccount.Name },
    accountCoded: line?.AccountID
      ? { id: line.AccountID, code: line.AccountCode ?? null, name: line.AccountName ?? null }
      : null,
    hasAttachments: t.HasAttachments,
    attachmentCount: null,
    type: t.Type,
    xeroStatus: t.Status,
  };
}

// The changes feed, read so that fields a newer server adds are kept (`.loose()`). Entries of a kind
// this version does not know are passed over; one of a known kind it cannot read stops the pull before
// it (readFeedChanges), because passing over it would lose that change for good.
export const feedTaskSchema = taskSchema.loose();
export type FeedTask = z.infer<typeof feedTaskSchema>;
export const feedCommentSchema = commentSchema.loose();
export type FeedComment = z.infer<typeof feedCommentSchema>;
export const feedFileSchema = fileSchema.loose();
export type FeedFile = z.infer<typeof feedFileSchema>;

export const feedEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('task'), seq: z.number().int(), task: feedTaskSchema }),
  z.object({ kind: z.literal('comment'), seq: z.number().int(), comment: feedCommentSchema }),
  z.object({ kind: z.literal('file'), seq: z.number().int(), file: feedFileSchema }),
]);
export type FeedEntry = z.infer<typeof feedEntrySchema>;

/** The kinds of feed entry this version reads; a newer server may send others. */
const KNOWN_KINDS: ReadonlySet<string> = new Set(feedEntrySchema.options.map((o) => o.shape.kind.value));
const MAX_REASON = 300;

/**
 * One page of the feed as this version can apply it: the readable entries up to the first entry of
 * a known kind it cannot read (`unreadable`), and `readThrough`, the seq the cursor may move to:
 * the page's `nextSince`, or the seq of the last entry before the unreadable one (`since` when that
 * is the first). Entries of unknown kinds are counted in `skipped` and read through.
 */
export function readFeedChanges(
  changes: readonly unknown[],
  since: number,
  nextSince: number,
): {
  entries: FeedEntry[];
  skipped: number;
  readThrough: number;
  unreadable: { seq: number | null; kind: string; reason: string } | null;
} {
  const entries: FeedEntry[] = [];
  let skipped = 0;
  let before = since;
  for (const change of changes) {
    const raw = (typeof change === 'object' && change !== null ? change : {}) as Record<string, unknown>;
    const seq = typeof raw.seq === 'number' && Number.isSafeInteger(raw.seq) ? raw.seq : null;
    const kind = typeof raw.kind === 'string' ? raw.kind : null;
    if (kind !== null && !KNOWN_KINDS.has(kind)) {
      skipped++;
      if (seq !== null) before = Math.max(before, seq);
      continue;
    }
    const parsed = feedEntrySchema.safeParse(change);
    if (!parsed.success) {
      // Field paths and zod's codes only: the entry's values may be a client's words.
      const reason = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${[kind ?? 'entry', ...issue.path.map(String)].join('.')}: ${issue.code}`)
        .join('; ')
        .slice(0, MAX_REASON);
      return {
        entries,
        skipped,
        readThrough: before,
        unreadable: { seq, kind: kind ?? 'entry', reason },
      };
    }
    entries.push(parsed.data);
    before = Math.max(before, parsed.data.seq);
  }
  return { entries, skipped, readThrough: nextSince, unreadable: null };
}

export const feedPageSchema = z.object({
  changes: z.array(z.unknown()),
  nextSince: z.number().int().min(0),
  hasMore: z.boolean(),
});
export type FeedPage = z.infer<typeof feedPageSchema>;

const KNOWN_TASK_FIELDS = new Set(Object.keys(taskSchema.shape));
/** What the server sent beyond the fields this version knows. */
export function extraFields(task: FeedTask): Record<string, unknown> {
  return Object.fromEntries(Object.entries(task).filter(([key]) => !KNOWN_TASK_FIELDS.has(key)));
}

/** The server's state of a task, as the task row here keeps it. */
export function hubStateOf(task: FeedTask): TaskHubState {
  return {
    taskId: task.id,
    workspaceId: task.workspaceId,
    seq: task.seq,
    statusChangedBy: task.statusChangedBy,
    statusChangedAt: task.statusChangedAt,
    question: task.question,
    clientAccount: task.clientAccount,
    clientAccountAccepted: task.clientAccountAccepted,
    writtenToXero: task.writtenToXero,
    extra: extraFields(task),
  };
}
