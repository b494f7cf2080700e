import { z } from 'zod';

/**
 * What went wrong talking to Xero, as plain data: raw enough for `classifyFailure` to decide what it
 * means, small enough to store and to send between extension contexts. Never holds a token.
 */

/** fetch itself failed: offline, DNS, connection reset, timeout. */
export const networkFailureSchema = z.object({ kind: z.literal('network'), detail: z.string() });

/** A non-2xx answer from Xero's API or identity service, kept raw (header names lower-cased). */
export const httpFailureSchema = z.object({
  kind: z.literal('http'),
  /** The URL or path that was called. */
  endpoint: z.string(),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});

/** An OAuth error answer (`{"error": "invalid_grant", ...}`) from the token or revocation endpoint. */
export const oauthFailureSchema = z.object({
  kind: z.literal('oauth'),
  endpoint: z.enum(['token', 'revocation']),
  error: z.string(),
  description: z.string().optional(),
  /** Which exchange failed, when known: `invalid_grant` means different things for the two. */
  grantType: z.enum(['authorization_code', 'refresh_token']).optional(),
});

export const signInReasonSchema = z.enum([
  /** The user closed the sign-in window. */
  'cancelled',
  /** Xero redirected back with `error=access_denied` (the user pressed Cancel on the consent page). */
  'access-denied',
  /** The redirect's `state` is not the one we sent. */
  'state-mismatch',
  /** A redirect with neither a code nor an error. */
  'no-code',
  /** Xero's authorize page showed its own error instead of redirecting (bad client id, redirect URI, scope). */
  'authorize-refused',
]);
export type SignInReason = z.infer<typeof signInReasonSchema>;

/** The browser sign-in window (identity.launchWebAuthFlow) did not bring back a usable code. */
export const signInFailureSchema = z.object({
  kind: z.literal('sign-in'),
  reason: signInReasonSchema,
  /** Text of Xero's authorize error page, for classification and support only: never shown as-is. */
  pageText: z.string().optional(),
});

export const configFailureSchema = z.object({
  kind: z.literal('config'),
  reason: z.literal('client-id-missing'),
});

/** Found by the caller after a 403, by checking `/connections`: connection gone, or still listed. */
export const connectionFailureSchema = z.object({
  kind: z.literal('connection'),
  reason: z.enum(['removed', 'access-lost']),
});

/** Xero answered with data we could not read (failed schema validation, not JSON, ...). */
export const malformedFailureSchema = z.object({
  kind: z.literal('malformed'),
  endpoint: z.string(),
  detail: z.string(),
});

export const unknownFailureSchema = z.object({ kind: z.literal('unknown'), detail: z.string() });

/** This computer refused to store more (IndexedDB's QuotaExceededError): the disk or the browser's quota is full. */
export const storageFailureSchema = z.object({ kind: z.literal('storage'), detail: z.string() });

export const xeroFailureSchema = z.discriminatedUnion('kind', [
  networkFailureSchema,
  httpFailureSchema,
  oauthFailureSchema,
  signInFailureSchema,
  configFailureSchema,
  connectionFailureSchema,
  malformedFailureSchema,
  storageFailureSchema,
  unknownFailureSchema,
]);
export type XeroFailure = z.infer<typeof xeroFailureSchema>;
export type XeroFailureKind = XeroFailure['kind'];
export type FailureOf<K extends XeroFailureKind> = Extract<XeroFailure, { kind: K }>;

/**
 * Blanks out anything that could let someone act as the user: bearer tokens, JWTs, and the values of
 * token-like fields in JSON, form or query text. Applied to every piece of raw text that may reach a
 * screen or a support email.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bBearer\s+[^\s",;]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted]')
    .replace(
      /("(?:access_token|refresh_token|id_token|code_verifier|client_secret|code|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
      '$1"[redacted]"',
    )
    .replace(
      /\b(access_token|refresh_token|id_token|code_verifier|client_secret|code|token)=[^&\s"]+/gi,
      '$1=[redacted]',
    );
}
