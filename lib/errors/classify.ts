import { z } from 'zod';
import { type FailureOf, redactSecrets, type XeroFailure, xeroFailureSchema } from './failure';

/** Every problem the extension can show a bookkeeper. `describeProblem` has words for each. */
export const problemCodeSchema = z.enum([
  'sign-in-cancelled',
  'sign-in-failed',
  'sign-in-state-mismatch',
  'client-id-missing',
  'client-id-invalid',
  'redirect-uri-not-registered',
  'scope-refused',
  'connection-removed',
  'access-lost',
  'grant-revoked',
  'grant-expired',
  'token-expired',
  'not-authorised',
  'organisation-offline',
  'xero-maintenance',
  'rate-limited',
  'no-network',
  'xero-error',
  'validation',
  'not-found',
  'changed-in-xero',
  'request-rejected',
  'malformed-response',
  'storage-full',
  'unknown',
]);
export type ProblemCode = z.infer<typeof problemCodeSchema>;
export const PROBLEM_CODES: readonly ProblemCode[] = problemCodeSchema.options;

export interface ClassifyContext {
  /** Epoch ms; defaults to Date.now(). */
  now?: number;
  /** Epoch ms of the last successful use of the refresh token (its grant). */
  grantLastUsedAt?: number;
}

/** Xero drops a refresh token that has not been used for 60 days. */
export const GRANT_IDLE_LIMIT_MS = 60 * 24 * 60 * 60 * 1000;

/** Which of Xero's limits a 429 hit (`X-Rate-Limit-Problem`). */
export const rateLimitSchema = z.enum(['minute', 'day', 'concurrent', 'appminute']);
export type RateLimit = z.infer<typeof rateLimitSchema>;

const TRANSIENT = new Set<ProblemCode>([
  'no-network',
  'organisation-offline',
  'xero-maintenance',
  'xero-error',
  'rate-limited',
  'malformed-response',
]);
const NEEDS_ATTENTION = new Set<ProblemCode>([
  'connection-removed',
  'grant-revoked',
  'grant-expired',
  'access-lost',
  'client-id-missing',
  'client-id-invalid',
  'redirect-uri-not-registered',
  'scope-refused',
  'not-authorised',
]);

/** Worth retrying later without anyone doing anything. */
export const isTransient = (code: ProblemCode): boolean => TRANSIENT.has(code);
/** Nothing will improve until an admin acts (reconnects, fixes the Xero app). */
export const needsAttention = (code: ProblemCode): boolean => NEEDS_ATTENTION.has(code);

// Longest raw text we keep from a response or an error: enough for support, small enough to store.
const RAW_TEXT_LIMIT = 10_000;
const DETAIL_LIMIT = 2_000;

const cap = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

// Xero's error bodies, read leniently: only the fields we decide on.
const oauthErrorBodySchema = z.object({ error: z.string(), error_description: z.string().optional() });
const problemDetailsSchema = z.object({ Title: z.string().nullish(), Detail: z.string().nullish() });
const validationErrorsSchema = z.array(z.object({ Message: z.string() }).loose());
const apiExceptionSchema = z.object({
  Type: z.string().nullish(),
  Message: z.string().nullish(),
  ValidationErrors: validationErrorsSchema.nullish(),
  Elements: z.array(z.object({ ValidationErrors: validationErrorsSchema.nullish() }).loose()).nullish(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function oauthEndpointOf(endpoint: string): 'token' | 'revocation' | undefined {
  if (endpoint === 'token' || endpoint === 'revocation') return endpoint;
  const match = /\/connect\/(token|revocation)\/?(?:[?#]|$)/.exec(endpoint);
  return match?.[1] === 'token' || match?.[1] === 'revocation' ? match[1] : undefined;
}

function lowerCaseHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      result[name.toLowerCase()] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  }
  return result;
}

/**
 * A failure from a non-2xx answer. OAuth error JSON from the token or revocation endpoint becomes an
 * `oauth` failure; everything else keeps the raw body for `classifyFailure`.
 */
export function failureFromResponse(
  endpoint: string,
  status: number,
  headers: Headers | Record<string, string>,
  bodyText: string,
  options: { grantType?: 'authorization_code' | 'refresh_token' } = {},
): XeroFailure {
  const oauthEndpoint = oauthEndpointOf(endpoint);
  if (oauthEndpoint) {
    const oauth = oauthErrorBodySchema.safeParse(parseJson(bodyText));
    if (oauth.success) {
      return {
        kind: 'oauth',
        endpoint: oauthEndpoint,
        error: oauth.data.error,
        ...(oauth.data.error_description ? { description: oauth.data.error_description } : {}),
        ...(options.grantType ? { grantType: options.grantType } : {}),
      };
    }
  }
  return {
    kind: 'http',
    endpoint,
    status,
    headers: lowerCaseHeaders(headers),
    body: cap(bodyText, RAW_TEXT_LIMIT),
  };
}

const NETWORK_MESSAGE = /failed to fetch|fetch failed|networkerror|network error|load failed/i;
// Chrome's and Firefox's identity.launchWebAuthFlow rejections when the user closes the window.
export const SIGN_IN_CANCELLED_MESSAGE = /user did not approve access|user cancell?ed or denied access/i;

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}

/** A failure from anything thrown: fetch's TypeError, launchWebAuthFlow's rejection, or a bug. */
export function failureFromThrown(error: unknown): XeroFailure {
  const already = xeroFailureSchema.safeParse(error);
  if (already.success) return already.data;

  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
    if (SIGN_IN_CANCELLED_MESSAGE.test(message)) return { kind: 'sign-in', reason: 'cancelled' };
    if (isStorageFull(error)) return { kind: 'storage', detail: cap(`${name}: ${message}`, DETAIL_LIMIT) };
    // ky (our HTTP client) wraps fetch's network TypeError in its own NetworkError.
    if (name === 'NetworkError') return { kind: 'network', detail: cap(message, DETAIL_LIMIT) };
    if (name === 'TimeoutError')
      return { kind: 'network', detail: cap(`Timed out: ${message}`, DETAIL_LIMIT) };
    if (name === 'TypeError' && NETWORK_MESSAGE.test(message)) {
      // Node's undici puts the reason (ECONNREFUSED, ENOTFOUND, ...) on `cause`.
      const code = errorCode('cause' in error ? error.cause : undefined);
      return { kind: 'network', detail: cap(code ? `${message} (${code})` : message, DETAIL_LIMIT) };
    }
    return { kind: 'unknown', detail: cap(redactSecrets(`${name}: ${message}`), DETAIL_LIMIT) };
  }
  if (typeof error === 'string') return { kind: 'unknown', detail: cap(redactSecrets(error), DETAIL_LIMIT) };
  return { kind: 'unknown', detail: `Thrown value of type ${error === null ? 'null' : typeof error}` };
}

/**
 * IndexedDB (directly or through Dexie) refusing a write because the disk or the browser's quota for
 * the extension is full. Dexie keeps the browser's error as `inner`; an aborted transaction carries the
 * quota error as its cause; a bulk write lists one failure per row.
 */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, inner, cause, failures } = error as {
    name?: unknown;
    inner?: unknown;
    cause?: unknown;
    failures?: unknown;
  };
  if (name === 'QuotaExceededError') return true;
  const nested = [inner, cause, ...(Array.isArray(failures) ? failures : [])];
  return nested.some((each) => isStorageFull(each, depth + 1));
}

/**
 * The failure for Xero's authorize page showing its own error (it does not redirect on a bad client
 * id, redirect URI or scope), e.g. "unauthorized_client : Invalid redirect_uri".
 */
export function authorizePageFailure(pageText: string): FailureOf<'sign-in'> {
  return {
    kind: 'sign-in',
    reason: 'authorize-refused',
    pageText: cap(pageText.replace(/\s+/g, ' ').trim(), DETAIL_LIMIT),
  };
}

function authorizePageProblem(pageText: string): ProblemCode {
  const text = pageText.toLowerCase();
  if (/invalid[_ ]scope|scope/.test(text)) return 'scope-refused';
  if (/redirect[_ ]?uri/.test(text)) return 'redirect-uri-not-registered';
  if (/invalid[_ ]client|unauthori[sz]ed[_ ]client|unknown client|client not enabled/.test(text)) {
    return 'client-id-invalid';
  }
  if (/access[_ ]denied/.test(text)) return 'sign-in-cancelled';
  return 'sign-in-failed';
}

function classifyOauth(failure: FailureOf<'oauth'>, context: ClassifyContext): ProblemCode {
  switch (failure.error) {
    case 'invalid_grant': {
      // A refused authorization code means the sign-in itself went stale, not a lost connection.
      if (failure.grantType === 'authorization_code') return 'sign-in-failed';
      const { grantLastUsedAt } = context;
      const now = context.now ?? Date.now();
      return grantLastUsedAt !== undefined && now - grantLastUsedAt >= GRANT_IDLE_LIMIT_MS
        ? 'grant-expired'
        : 'grant-revoked';
    }
    case 'invalid_client':
    case 'unauthorized_client':
      return 'client-id-invalid';
    case 'invalid_scope':
      return 'scope-refused';
    case 'access_denied':
      return 'sign-in-cancelled';
    case 'server_error':
    case 'temporarily_unavailable':
      return 'xero-error';
    default:
      return /redirect_uri/i.test(failure.description ?? '')
        ? 'redirect-uri-not-registered'
        : 'request-rejected';
  }
}

function classifyHttp(failure: FailureOf<'http'>, context: ClassifyContext): ProblemCode {
  const { status, body } = failure;
  const json = parseJson(body);
  const oauth = oauthErrorBodySchema.safeParse(json);
  if (oauth.success && status < 500 && status !== 429) {
    return classifyOauth(
      {
        kind: 'oauth',
        endpoint: 'token',
        error: oauth.data.error,
        description: oauth.data.error_description,
      },
      context,
    );
  }
  const detail = problemDetailsSchema.safeParse(json).data?.Detail ?? '';

  if (status === 429) return 'rate-limited';
  if (status === 503) {
    if (/maintenance/i.test(body)) return 'xero-maintenance';
    if (/organi[sz]ation is offline/i.test(body)) return 'organisation-offline';
    return 'xero-error';
  }
  if (status >= 500) return 'xero-error';
  if (status === 401) {
    if (/TokenExpired/i.test(detail) || /expired/i.test(failure.headers['www-authenticate'] ?? '')) {
      return 'token-expired';
    }
    return 'not-authorised';
  }
  if (status === 403) {
    // A missing scope is ours to fix; anything else means the connection is gone or the user lost
    // access, which the caller tells apart by checking /connections (see needsConnectionCheck).
    return /AuthorizationUnsuccessful/i.test(detail) ? 'not-authorised' : 'access-lost';
  }
  if (status === 404) return 'not-found';
  if (status === 400 && apiExceptionSchema.safeParse(json).data?.Type === 'ValidationException') {
    return 'validation';
  }
  if (status >= 400) return 'request-rejected';
  return 'unknown';
}

/** What a failure means for the user. */
export function classifyFailure(failure: XeroFailure, context: ClassifyContext = {}): ProblemCode {
  switch (failure.kind) {
    case 'network':
      return 'no-network';
    case 'http':
      return classifyHttp(failure, context);
    case 'oauth':
      return classifyOauth(failure, context);
    case 'sign-in':
      switch (failure.reason) {
        case 'cancelled':
        case 'access-denied':
          return 'sign-in-cancelled';
        case 'state-mismatch':
          return 'sign-in-state-mismatch';
        case 'no-code':
          return 'sign-in-failed';
        case 'authorize-refused':
          return authorizePageProblem(failure.pageText ?? '');
      }
      break;
    case 'config':
      return 'client-id-missing';
    case 'connection':
      return failure.reason === 'removed' ? 'connection-removed' : 'access-lost';
    case 'malformed':
      return 'malformed-response';
    case 'storage':
      return 'storage-full';
    case 'unknown':
      return 'unknown';
  }
  return 'unknown';
}

/**
 * True for a 403 that is not a missing scope: the caller should check `/connections` and report a
 * `connection` failure ('removed' when the Xero company is no longer listed, else 'access-lost').
 */
export function needsConnectionCheck(failure: XeroFailure): boolean {
  return failure.kind === 'http' && failure.status === 403 && classifyHttp(failure, {}) === 'access-lost';
}

/** How long Xero asked us to wait (`Retry-After`, seconds or an HTTP date), if it said. */
export function retryAfterMs(failure: XeroFailure, now: number = Date.now()): number | undefined {
  if (failure.kind !== 'http') return undefined;
  const value = failure.headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Which limit a 429 hit, from `X-Rate-Limit-Problem`. */
export function rateLimitOf(failure: XeroFailure): RateLimit | undefined {
  if (failure.kind !== 'http') return undefined;
  return rateLimitSchema.safeParse(failure.headers['x-rate-limit-problem']?.trim().toLowerCase()).data;
}

/** The first reason Xero gave for refusing a change (400 ValidationException), raw. */
export function validationMessageOf(failure: XeroFailure): string | undefined {
  if (failure.kind !== 'http') return undefined;
  const parsed = apiExceptionSchema.safeParse(parseJson(failure.body));
  if (!parsed.success || parsed.data.Type !== 'ValidationException') return undefined;
  const fromElements = parsed.data.Elements?.flatMap((element) => element.ValidationErrors ?? [])[0]?.Message;
  return fromElements ?? parsed.data.ValidationErrors?.[0]?.Message ?? parsed.data.Message ?? undefined;
}

/** A one-line, redacted account of a failure for support. Never shown as the message itself. */
export function failureDetail(failure: XeroFailure): string {
  const text = (() => {
    switch (failure.kind) {
      case 'network':
        return `network: ${failure.detail}`;
      case 'http':
        return `${failure.status} from ${failure.endpoint}: ${failure.body.replace(/\s+/g, ' ').trim()}`;
      case 'oauth':
        return `${failure.endpoint} endpoint: ${failure.error}${failure.description ? ` (${failure.description})` : ''}`;
      case 'sign-in':
        return `sign-in ${failure.reason}${failure.pageText ? `: ${failure.pageText}` : ''}`;
      case 'config':
        return `config: ${failure.reason}`;
      case 'connection':
        return `connection: ${failure.reason}`;
      case 'malformed':
        return `unreadable answer from ${failure.endpoint}: ${failure.detail}`;
      case 'storage':
        return `storage full: ${failure.detail}`;
      case 'unknown':
        return failure.detail;
    }
  })();
  return cap(redactSecrets(text), DETAIL_LIMIT);
}
