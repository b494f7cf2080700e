import * as z from 'zod/mini';

/**
 * The part of the contract the content script uses, inside Xero's pages. Built with zod/mini so the
 * content script stays small (it loads on every Xero page); lib/messaging/contract.ts includes these
 * schemas, so the background validates them exactly like every other message.
 *
 * The schemas are built on first use, not when the script loads: the content script evaluates this
 * module on every Xero page and needs only some reply schemas, and only once it talks to the
 * background. The named exports below build them for the background and the tests; they are marked
 * pure, so a bundle that does not use them (the content script) leaves them out.
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
  } as const;
  return { bankTransactionIdSchema, taskIdSchema, pageRequestSchemas };
}

const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

/*
 * What the content script checks in the background's replies and announcements. Each schema is built
 * on its first use: a list page needs the envelope, the page context and the lookup reply only.
 */
const taskStatus = once(() => z.enum(['Open', 'Answered', 'Closed', 'ResolvedInXero', 'Cancelled']));

const taskSummary = once(() =>
  z.object({
    bankTransactionId: z.string(),
    taskId: z.string(),
    status: taskStatus(),
    /** Only when asked for (the single-transaction panel): the task's newest activity. */
    latestActivity: z.optional(z.nullable(z.object({ text: z.string(), at: z.number() }))),
  }),
);

const responses = {
  'xero.pageContext': once(() => z.object({ tenantId: z.nullable(z.string()), isAdmin: z.boolean() })),
  'tasks.lookup': once(() => z.object({ tasks: z.array(taskSummary()) })),
  'tasks.push': once(() => z.object({ taskId: z.string(), status: taskStatus(), created: z.boolean() })),
  'tasks.open': once(() => z.object({ opened: z.boolean() })),
} as const;

/** From the background to Xero tabs: tasks of this company (all when null) changed; ask again. */
const tasksChanged = once(() =>
  z.object({ type: z.literal('tasks.changed'), tenantId: z.nullable(z.string()) }),
);

/** A failure carried across contexts: a catalogue code plus the plain-language text to show. */
const messageError = once(() =>
  z.object({
    code: z.string(),
    title: z.optional(z.string()),
    message: z.string(),
    action: z.optional(z.string()),
    supportDetail: z.optional(z.string()),
  }),
);

const envelope = once(() =>
  z.union([
    z.object({ ok: z.literal(true), data: z.unknown() }),
    z.object({ ok: z.literal(false), error: messageError() }),
  ]),
);

type Responses = typeof responses;
/** The reply schemas the content script uses, each built once, on first use. */
export const replySchemas = {
  envelope,
  tasksChanged,
  response: <T extends keyof Responses>(type: T): ReturnType<Responses[T]> =>
    responses[type]() as ReturnType<Responses[T]>,
};

let requests: Requests | undefined;
/** The request schemas, built once, on first use. */
export const requestSchemas = (): Requests => {
  requests ??= buildRequests();
  return requests;
};
type Requests = ReturnType<typeof buildRequests>;
const request = <K extends keyof Requests>(key: K): Requests[K] => requestSchemas()[key];
const allResponses = () => ({
  'xero.pageContext': responses['xero.pageContext'](),
  'tasks.lookup': responses['tasks.lookup'](),
  'tasks.push': responses['tasks.push'](),
  'tasks.open': responses['tasks.open'](),
});

export const bankTransactionIdSchema = /* @__PURE__ */ request('bankTransactionIdSchema');
export const taskIdSchema = /* @__PURE__ */ request('taskIdSchema');
export const pageRequestSchemas = /* @__PURE__ */ request('pageRequestSchemas');
export const taskStatusSchema = /* @__PURE__ */ taskStatus();
export const taskSummarySchema = /* @__PURE__ */ taskSummary();
export const pageResponseSchemas = /* @__PURE__ */ allResponses();
export const tasksChangedSchema = /* @__PURE__ */ tasksChanged();
export const messageErrorSchema = /* @__PURE__ */ messageError();
export const envelopeSchema = /* @__PURE__ */ envelope();

export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type TaskSummary = z.infer<typeof taskSummarySchema>;
export type PageRequestType = keyof typeof pageRequestSchemas;
export type PageRequestOf<T extends PageRequestType> = z.infer<(typeof pageRequestSchemas)[T]>;
export type PageResponseOf<T extends PageRequestType> = z.infer<(typeof pageResponseSchemas)[T]>;
export type TasksChanged = z.infer<typeof tasksChangedSchema>;
export type MessageError = z.infer<typeof messageErrorSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
