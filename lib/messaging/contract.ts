import { z } from 'zod';

/**
 * The one contract between the extension's pages, its content script and its background. Every
 * message is validated on arrival, in both directions; nothing here ever carries a token.
 */
export const backgroundStatusSchema = z.object({
  version: z.string(),
  target: z.enum(['xero', 'sandbox']),
  startedAt: z.number(),
  xeroAppUrl: z.string(),
});
export type BackgroundStatus = z.infer<typeof backgroundStatusSchema>;

export const requestSchemas = {
  'background.status': z.object({ type: z.literal('background.status') }),
} as const;

export const responseSchemas = {
  'background.status': backgroundStatusSchema,
} as const;

export type RequestType = keyof typeof requestSchemas;
export type RequestOf<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
export type ResponseOf<T extends RequestType> = z.infer<(typeof responseSchemas)[T]>;

export const anyRequestSchema = z.discriminatedUnion(
  'type',
  Object.values(requestSchemas) as unknown as [
    (typeof requestSchemas)[RequestType],
    ...(typeof requestSchemas)[RequestType][],
  ],
);
export type AnyRequest = z.infer<typeof anyRequestSchema>;

/** A failure carried across contexts: a catalogue code plus the plain-language text to show. */
export const messageErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  action: z.string().optional(),
});
export type MessageError = z.infer<typeof messageErrorSchema>;

export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: messageErrorSchema }),
]);
export type Envelope = z.infer<typeof envelopeSchema>;
