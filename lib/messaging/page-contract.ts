import * as z from 'zod/mini';

/**
 * The part of the contract the content script uses, inside Xero's pages. Built with zod/mini so the
 * content script stays small (it loads on every Xero page); lib/messaging/contract.ts includes these
 * schemas, so the background validates them exactly like every other message.
 */

const tenantId = z.string().check(z.minLength(1), z.maxLength(64));
/** Xero ids are GUIDs; anything else in a page's link is not a transaction we know. */
export const bankTransactionIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/));
export const taskIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
/** One lookup answers a batch of rows; a 1,000-row page sends a few of these, never one per row. */
export const LOOKUP_BATCH_MAX = 500;

export const taskStatusSchema = z.enum(['Open', 'Answered', 'Closed', 'ResolvedInXero', 'Cancelled']);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const taskSummarySchema = z.object({
  bankTransactionId: z.string(),
  taskId: z.string(),
  status: taskStatusSchema,
  /** Only when asked for (the single-transaction panel): the task's newest activity. */
  latestActivity: z.optional(z.nullable(z.object({ text: z.string(), at: z.number() }))),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;

export const pageRequestSchemas = {
  /** Which connected Xero company a page belongs to, from what the page shows. */
  'xero.pageContext': z.object({
    type: z.literal('xero.pageContext'),
    url: z.string().check(z.maxLength(4096)),
    organisationName: z.optional(z.string().check(z.maxLength(255))),
    shortCode: z.optional(z.string().check(z.maxLength(32))),
    /** A few ids from the page: tell apart two connected companies with the same name. */
    bankTransactionIds: z.optional(z.array(bankTransactionIdSchema).check(z.maxLength(20))),
  }),
  'tasks.lookup': z.object({
    type: z.literal('tasks.lookup'),
    tenantId,
    bankTransactionIds: z.array(bankTransactionIdSchema).check(z.minLength(1), z.maxLength(LOOKUP_BATCH_MAX)),
    includeActivity: z.optional(z.boolean()),
  }),
  'tasks.push': z.object({
    type: z.literal('tasks.push'),
    tenantId,
    bankTransactionId: bankTransactionIdSchema,
  }),
  'tasks.open': z.object({ type: z.literal('tasks.open'), taskId: taskIdSchema }),
} as const;

export const pageResponseSchemas = {
  'xero.pageContext': z.object({
    tenantId: z.nullable(z.string()),
    isAdmin: z.boolean(),
  }),
  'tasks.lookup': z.object({ tasks: z.array(taskSummarySchema) }),
  'tasks.push': z.object({ taskId: z.string(), status: taskStatusSchema, created: z.boolean() }),
  'tasks.open': z.object({ opened: z.boolean() }),
} as const;

export type PageRequestType = keyof typeof pageRequestSchemas;
export type PageRequestOf<T extends PageRequestType> = z.infer<(typeof pageRequestSchemas)[T]>;
export type PageResponseOf<T extends PageRequestType> = z.infer<(typeof pageResponseSchemas)[T]>;

/** From the background to Xero tabs: tasks of this company (all when null) changed; ask again. */
export const tasksChangedSchema = z.object({
  type: z.literal('tasks.changed'),
  tenantId: z.nullable(z.string()),
});
export type TasksChanged = z.infer<typeof tasksChangedSchema>;

/** A failure carried across contexts: a catalogue code plus the plain-language text to show. */
export const messageErrorSchema = z.object({
  code: z.string(),
  title: z.optional(z.string()),
  message: z.string(),
  action: z.optional(z.string()),
  supportDetail: z.optional(z.string()),
});
export type MessageError = z.infer<typeof messageErrorSchema>;

export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: messageErrorSchema }),
]);
export type Envelope = z.infer<typeof envelopeSchema>;
