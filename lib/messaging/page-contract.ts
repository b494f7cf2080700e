import * as v from 'valibot';
import * as z from 'zod/mini';
import { type AnySchema, check, type OutputOf } from './standard-schema';

/**
 * The part of the contract between the content script and the background. lib/messaging/contract.ts
 * includes it, so the background validates these messages exactly like every other one.
 * - Requests (content script to background) are checked by the background only, with zod; the
 *   content script builds none of these schemas, so its bundle holds no zod at all.
 * - Replies and announcements (background to content script) are checked where they arrive, in the
 *   content script and the extension's pages, with the valibot schemas below.
 */

/** One lookup answers a batch of rows; a 1,000-row page sends a few of these, never one per row. */
export const LOOKUP_BATCH_MAX = 500;

/** What the background checks in the content script's requests (the content script builds none). */
function buildRequests() {
  const tenantId = z.string().check(z.minLength(1), z.maxLength(64));
  /** Xero ids are GUIDs; anything else in a page's link is not a transaction we know. */
  const bankTransactionIdSchema = z.string().check(z.regex(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/));
  const taskIdSchema = z.string().check(z.minLength(1), z.maxLength(64));

  const pageRequestSchemas = {
    /** The start script's (lib/messaging/page-start.ts): its page has loaded, inject the content script. */
    'xero.startPage': z.object({ type: z.literal('xero.startPage') }),
    /** Which connected Xero company a page belongs to, from what the page shows. */
    'xero.pageContext': z.object({
      type: z.literal('xero.pageContext'),
      url: z.string().check(z.maxLength(4096)),
      organisationName: z.optional(z.string().check(z.maxLength(255))),
      /** The header shortened the name ("DCG"): it names no organisation. */
      nameAbbreviated: z.optional(z.boolean()),
      /** From the URL (`/app/!0X0!!/…`). */
      shortCode: z.optional(z.string().check(z.maxLength(32))),
      /** The most frequent short code in the page's own navigation links. */
      navigationShortCode: z.optional(z.string().check(z.maxLength(32))),
      /** A few ids from the page: tell apart two connected companies with the same name. */
      bankTransactionIds: z.optional(z.array(bankTransactionIdSchema).check(z.maxLength(20))),
    }),
    'tasks.lookup': z.object({
      type: z.literal('tasks.lookup'),
      tenantId,
      bankTransactionIds: z
        .array(bankTransactionIdSchema)
        .check(z.minLength(1), z.maxLength(LOOKUP_BATCH_MAX)),
      includeActivity: z.optional(z.boolean()),
    }),
    'tasks.push': z.object({
      type: z.literal('tasks.push'),
      tenantId,
      bankTransactionId: bankTransactionIdSchema,
    }),
    'tasks.open': z.object({ type: z.literal('tasks.open'), taskId: taskIdSchema }),
    /** The badge's menu, when it opens: the task's suggested account (lib/suggestions). */
    'suggestions.forTask': z.object({ type: z.literal('suggestions.forTask'), taskId: taskIdSchema }),
  } as const;
  return { bankTransactionIdSchema, taskIdSchema, pageRequestSchemas };
}

/*
 * What the content script checks in the background's replies and announcements, in valibot: the
 * content script runs on every Xero page, and zod's first use there (evaluating it, then building and
 * running these schemas) cost about 9 ms of CPU per page load, measured A/B with the page bench. The
 * extension's pages check replies with these same schemas (readReply, through Standard Schema), so the
 * contract still has one definition.
 */
export const taskStatusSchema = v.picklist(['Open', 'Answered', 'Closed', 'ResolvedInXero', 'Cancelled']);

export const taskSummarySchema = v.object({
  bankTransactionId: v.string(),
  taskId: v.string(),
  status: taskStatusSchema,
  /** Only when asked for (the single-transaction panel): the task's newest activity. */
  latestActivity: v.optional(v.nullable(v.object({ text: v.string(), at: v.number() }))),
});

/** A transaction on the page that cannot become a Client Task, and what it is, in the user's words. */
export const notPushableSchema = v.object({
  bankTransactionId: v.string(),
  /** Short, for the badge: "Payment or transfer", "Transfer", "Deleted in Xero", "Receive Money". */
  label: v.string(),
  /** The whole sentence: "Transfer: Client Tasks are for Spend and Receive Money." */
  message: v.string(),
});

export const pageResponseSchemas = {
  'xero.startPage': v.object({ started: v.boolean() }),
  'xero.pageContext': v.object({
    tenantId: v.nullable(v.string()),
    isAdmin: v.boolean(),
    /** Not sure which organisation the page shows: why, for the Admin's hint. */
    uncertain: v.optional(v.string()),
  }),
  'tasks.lookup': v.object({
    tasks: v.array(taskSummarySchema),
    /** Of the ids without a task, those that cannot have one (payments, transfers, deleted, …). */
    notPushable: v.optional(v.array(notPushableSchema)),
  }),
  'tasks.push': v.object({ taskId: v.string(), status: taskStatusSchema, created: v.boolean() }),
  'tasks.open': v.object({ opened: v.boolean() }),
  'suggestions.forTask': v.object({
    suggestion: v.nullable(
      v.object({
        confidence: v.picklist(['high', 'possible', 'none']),
        account: v.nullable(v.object({ id: v.string(), code: v.string(), name: v.string() })),
        evidence: v.string(),
        question: v.nullable(v.string()),
      }),
    ),
  }),
} as const;

/** From the background to Xero tabs: tasks of this company (all when null) changed; ask again. */
export const tasksChangedSchema = v.object({
  type: v.literal('tasks.changed'),
  tenantId: v.nullable(v.string()),
});

/** A failure carried across contexts: a catalogue code plus the plain-language text to show. */
export const messageErrorSchema = v.object({
  code: v.string(),
  title: v.optional(v.string()),
  message: v.string(),
  action: v.optional(v.string()),
  supportDetail: v.optional(v.string()),
});

export const envelopeSchema = v.variant('ok', [
  v.object({ ok: v.literal(true), data: v.unknown() }),
  v.object({ ok: v.literal(false), error: messageErrorSchema }),
]);

/**
 * A reply checked against the contract, where it arrives: its data, the failure the background
 * explained, or null when the reply (or its data) is not what the contract says.
 */
export function readReply<S extends AnySchema>(
  schema: S,
  raw: unknown,
): { ok: true; data: OutputOf<S> } | { ok: false; error: MessageError } | null {
  const envelope = check(envelopeSchema, raw);
  if (!envelope.success) return null;
  if (!envelope.data.ok) return envelope.data;
  const data = check(schema, envelope.data.data);
  return data.success ? { ok: true, data: data.data } : null;
}

let requests: Requests | undefined;
/** The request schemas, built once, on first use. */
export const requestSchemas = (): Requests => {
  requests ??= buildRequests();
  return requests;
};
type Requests = ReturnType<typeof buildRequests>;
const request = <K extends keyof Requests>(key: K): Requests[K] => requestSchemas()[key];

export const bankTransactionIdSchema = /* @__PURE__ */ request('bankTransactionIdSchema');
export const taskIdSchema = /* @__PURE__ */ request('taskIdSchema');
export const pageRequestSchemas = /* @__PURE__ */ request('pageRequestSchemas');

export type TaskStatus = v.InferOutput<typeof taskStatusSchema>;
export type TaskSummary = v.InferOutput<typeof taskSummarySchema>;
export type SuggestionView = NonNullable<
  v.InferOutput<(typeof pageResponseSchemas)['suggestions.forTask']>['suggestion']
>;
export type PageRequestType = keyof typeof pageRequestSchemas;
export type PageRequestOf<T extends PageRequestType> = z.infer<(typeof pageRequestSchemas)[T]>;
export type PageResponseOf<T extends PageRequestType> = v.InferOutput<(typeof pageResponseSchemas)[T]>;
export type TasksChanged = v.InferOutput<typeof tasksChangedSchema>;
export type NotPushable = v.InferOutput<typeof notPushableSchema>;
export type MessageError = v.InferOutput<typeof messageErrorSchema>;
export type Envelope = v.InferOutput<typeof envelopeSchema>;
