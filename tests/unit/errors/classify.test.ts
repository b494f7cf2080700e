import { describe, expect, it } from 'vitest';
import {
  authorizePageFailure,
  classifyFailure,
  failureFromResponse,
  failureFromThrown,
  GRANT_IDLE_LIMIT_MS,
  isTransient,
  needsAttention,
  needsConnectionCheck,
  PROBLEM_CODES,
  type ProblemCode,
  rateLimitOf,
  retryAfterMs,
  validationMessageOf,
  type XeroFailure,
  xeroFailureSchema,
} from '@/lib/errors';

const API = 'https://api.xero.com/api.xro/2.0/BankTransactions';
const TOKEN = 'https://identity.xero.com/connect/token';
const REVOCATION = 'https://identity.xero.com/connect/revocation';
const json = (value: unknown) => JSON.stringify(value);
const classifyResponse = (
  status: number,
  body: string,
  headers: Record<string, string> = {},
  endpoint = API,
) => classifyFailure(failureFromResponse(endpoint, status, headers, body));

// Bodies as XERO-API-NOTES "Error shapes" records them.
const tokenExpired401 = json({
  Type: null,
  Title: 'Unauthorized',
  Status: 401,
  Detail: 'TokenExpired: token expired at 12/01/2026 10:15:02',
  Instance: 'f1c1b2a4-0000-4000-8000-000000000000',
  Extensions: {},
});
const problemDetails = (status: number, title: string, detail: string) =>
  json({ Type: null, Title: title, Status: status, Detail: detail, Instance: 'x', Extensions: {} });
const validation400 = json({
  ErrorNumber: 10,
  Type: 'ValidationException',
  Message: 'A validation exception occurred',
  Elements: [
    { BankTransactionID: 'a', ValidationErrors: [] },
    {
      BankTransactionID: 'b',
      ValidationErrors: [
        { Message: 'The document sub total does not equal the sub total of the lines' },
        { Message: 'second reason' },
      ],
    },
  ],
});
const queryParse400 = json({
  ErrorNumber: 16,
  Type: 'QueryParseException',
  Message: "No property or field 'Foo' exists in type 'BankTransaction'",
});

describe('classifying Xero API answers', () => {
  it('401 TokenExpired is token-expired', () => {
    expect(classifyResponse(401, tokenExpired401)).toBe('token-expired');
  });

  it('401 with an expired-token WWW-Authenticate header but no body is token-expired', () => {
    const headers = {
      'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The token expired"',
    };
    expect(classifyResponse(401, '', headers)).toBe('token-expired');
  });

  it('401 AuthenticationUnsuccessful and AuthorizationUnsuccessful are not-authorised', () => {
    expect(classifyResponse(401, problemDetails(401, 'Unauthorized', 'AuthenticationUnsuccessful'))).toBe(
      'not-authorised',
    );
    expect(classifyResponse(401, problemDetails(401, 'Unauthorized', 'AuthorizationUnsuccessful'))).toBe(
      'not-authorised',
    );
  });

  it('403 AuthorizationUnsuccessful (missing scope) is not-authorised, needing no connection check', () => {
    const failure = failureFromResponse(
      API,
      403,
      {},
      problemDetails(403, 'Forbidden', 'AuthorizationUnsuccessful'),
    );
    expect(classifyFailure(failure)).toBe('not-authorised');
    expect(needsConnectionCheck(failure)).toBe(false);
  });

  it('403 Forbidden AuthenticationUnsuccessful asks for a connection check and defaults to access-lost', () => {
    const failure = failureFromResponse(
      API,
      403,
      {},
      problemDetails(403, 'Forbidden', 'AuthenticationUnsuccessful'),
    );
    expect(needsConnectionCheck(failure)).toBe(true);
    expect(classifyFailure(failure)).toBe('access-lost');
    expect(needsConnectionCheck(failureFromResponse(API, 401, {}, tokenExpired401))).toBe(false);
  });

  it('what the caller finds in /connections decides removed vs access lost', () => {
    expect(classifyFailure({ kind: 'connection', reason: 'removed' })).toBe('connection-removed');
    expect(classifyFailure({ kind: 'connection', reason: 'access-lost' })).toBe('access-lost');
  });

  it('plain-text 404 is not-found', () => {
    expect(classifyResponse(404, "The resource you're looking for cannot be found")).toBe('not-found');
  });

  it('503 tells an offline organisation from Xero maintenance', () => {
    expect(classifyResponse(503, 'The Organisation is offline')).toBe('organisation-offline');
    expect(classifyResponse(503, 'The Xero API is currently offline for maintenance')).toBe(
      'xero-maintenance',
    );
    expect(classifyResponse(503, '<html>Service Unavailable</html>')).toBe('xero-error');
  });

  it('500 and other 5xx are xero-error', () => {
    expect(classifyResponse(500, json({ Type: null, Title: 'An error occurred', Status: 500 }))).toBe(
      'xero-error',
    );
    expect(classifyResponse(502, 'Bad Gateway')).toBe('xero-error');
  });

  it('429 is rate-limited, with Retry-After and X-Rate-Limit-Problem read whatever their case', () => {
    const headers = new Headers({
      'Retry-After': '37',
      'X-Rate-Limit-Problem': 'Minute',
      'X-MinLimit-Remaining': '0',
    });
    const failure = failureFromResponse(API, 429, headers, '');
    expect(failure).toMatchObject({
      kind: 'http',
      headers: { 'retry-after': '37', 'x-rate-limit-problem': 'Minute' },
    });
    expect(classifyFailure(failure)).toBe('rate-limited');
    expect(retryAfterMs(failure)).toBe(37_000);
    expect(rateLimitOf(failure)).toBe('minute');
    for (const problem of ['day', 'concurrent', 'appminute'] as const) {
      expect(rateLimitOf(failureFromResponse(API, 429, { 'X-Rate-Limit-Problem': problem }, ''))).toBe(
        problem,
      );
    }
    expect(
      rateLimitOf(failureFromResponse(API, 429, { 'X-Rate-Limit-Problem': 'weekly' }, '')),
    ).toBeUndefined();
  });

  it('Retry-After as an HTTP date counts from now; absent or garbage gives undefined', () => {
    const now = Date.UTC(2026, 2, 3, 10, 0, 0);
    const failure = failureFromResponse(API, 429, { 'retry-after': 'Tue, 03 Mar 2026 10:01:30 GMT' }, '');
    expect(retryAfterMs(failure, now)).toBe(90_000);
    expect(retryAfterMs(failure, now + 600_000)).toBe(0);
    expect(retryAfterMs(failureFromResponse(API, 429, {}, ''))).toBeUndefined();
    expect(retryAfterMs(failureFromResponse(API, 429, { 'retry-after': 'soon' }, ''))).toBeUndefined();
    expect(retryAfterMs({ kind: 'network', detail: 'x' })).toBeUndefined();
  });

  it('400 ValidationException is validation, carrying the first ValidationErrors message', () => {
    const failure = failureFromResponse(API, 400, {}, validation400);
    expect(classifyFailure(failure)).toBe('validation');
    expect(validationMessageOf(failure)).toBe(
      'The document sub total does not equal the sub total of the lines',
    );
  });

  it('a ValidationException without element errors falls back to its Message', () => {
    const body = json({ ErrorNumber: 10, Type: 'ValidationException', Message: 'File name is not valid' });
    expect(validationMessageOf(failureFromResponse(API, 400, {}, body))).toBe('File name is not valid');
  });

  it('400 QueryParseException is our fault: request-rejected, not validation', () => {
    const failure = failureFromResponse(API, 400, {}, queryParse400);
    expect(classifyFailure(failure)).toBe('request-rejected');
    expect(validationMessageOf(failure)).toBeUndefined();
  });

  it('keeps API bodies raw even when they are JSON', () => {
    expect(failureFromResponse(API, 400, {}, validation400)).toEqual({
      kind: 'http',
      endpoint: API,
      status: 400,
      headers: {},
      body: validation400,
    });
  });
});

describe('OAuth errors from the token and revocation endpoints', () => {
  const oauth = (error: string, endpoint = TOKEN, status = 400) =>
    failureFromResponse(endpoint, status, { 'content-type': 'application/json' }, json({ error }));

  it('reads OAuth error JSON from identity endpoints into an oauth failure', () => {
    const body = json({ error: 'invalid_grant', error_description: 'grant is invalid' });
    expect(failureFromResponse(TOKEN, 400, {}, body, { grantType: 'refresh_token' })).toEqual({
      kind: 'oauth',
      endpoint: 'token',
      error: 'invalid_grant',
      description: 'grant is invalid',
      grantType: 'refresh_token',
    });
    expect(oauth('invalid_client', REVOCATION)).toMatchObject({ kind: 'oauth', endpoint: 'revocation' });
    // The sandbox serves the same paths on another origin.
    expect(oauth('invalid_client', 'http://127.0.0.1:4010/connect/token')).toMatchObject({ kind: 'oauth' });
  });

  it('a non-JSON answer from the token endpoint stays raw', () => {
    expect(failureFromResponse(TOKEN, 502, {}, 'Bad Gateway')).toMatchObject({ kind: 'http', status: 502 });
    expect(classifyFailure(failureFromResponse(TOKEN, 502, {}, 'Bad Gateway'))).toBe('xero-error');
  });

  it.each<[string, ProblemCode]>([
    ['invalid_client', 'client-id-invalid'],
    ['unauthorized_client', 'client-id-invalid'],
    ['invalid_scope', 'scope-refused'],
    ['unsupported_grant_type', 'request-rejected'],
    ['invalid_request', 'request-rejected'],
    ['unsupported_token_type', 'request-rejected'],
    ['access_denied', 'sign-in-cancelled'],
    ['server_error', 'xero-error'],
    ['temporarily_unavailable', 'xero-error'],
    ['something_new', 'request-rejected'],
  ])('%s is %s', (error, code) => {
    expect(classifyFailure(oauth(error))).toBe(code);
  });

  it('invalid_request about the redirect_uri points at the redirect URI', () => {
    const failure: XeroFailure = {
      kind: 'oauth',
      endpoint: 'token',
      error: 'invalid_request',
      description: 'Invalid redirect_uri',
    };
    expect(classifyFailure(failure)).toBe('redirect-uri-not-registered');
  });

  describe('invalid_grant: revoked or expired by when the grant was last used', () => {
    const now = Date.UTC(2026, 4, 1);
    const day = 24 * 60 * 60 * 1000;
    const invalidGrant = oauth('invalid_grant');

    it('used recently: revoked', () => {
      expect(classifyFailure(invalidGrant, { now, grantLastUsedAt: now - 3 * day })).toBe('grant-revoked');
      expect(classifyFailure(invalidGrant, { now, grantLastUsedAt: now - 60 * day + 1 })).toBe(
        'grant-revoked',
      );
    });

    it('unused for 60 days or more: expired', () => {
      expect(GRANT_IDLE_LIMIT_MS).toBe(60 * day);
      expect(classifyFailure(invalidGrant, { now, grantLastUsedAt: now - 60 * day })).toBe('grant-expired');
      expect(classifyFailure(invalidGrant, { now, grantLastUsedAt: now - 200 * day })).toBe('grant-expired');
    });

    it('last use unknown: revoked', () => {
      expect(classifyFailure(invalidGrant, { now })).toBe('grant-revoked');
    });

    it('a refused authorization code is a failed sign-in, not a lost connection', () => {
      const failure = failureFromResponse(TOKEN, 400, {}, json({ error: 'invalid_grant' }), {
        grantType: 'authorization_code',
      });
      expect(classifyFailure(failure, { now, grantLastUsedAt: now - 100 * day })).toBe('sign-in-failed');
    });

    it('also when an OAuth body reaches classify as a raw http failure', () => {
      const raw: XeroFailure = {
        kind: 'http',
        endpoint: 'x',
        status: 400,
        headers: {},
        body: json({ error: 'invalid_grant' }),
      };
      expect(classifyFailure(raw, { now, grantLastUsedAt: now - 61 * day })).toBe('grant-expired');
    });
  });
});

describe('the browser sign-in window', () => {
  it("Chrome's and Firefox's cancel messages are sign-in-cancelled", () => {
    for (const message of ['The user did not approve access.', 'User cancelled or denied access.']) {
      const failure = failureFromThrown(new Error(message));
      expect(failure).toEqual({ kind: 'sign-in', reason: 'cancelled' });
      expect(classifyFailure(failure)).toBe('sign-in-cancelled');
    }
  });

  it.each<[XeroFailure, ProblemCode]>([
    [{ kind: 'sign-in', reason: 'cancelled' }, 'sign-in-cancelled'],
    [{ kind: 'sign-in', reason: 'access-denied' }, 'sign-in-cancelled'],
    [{ kind: 'sign-in', reason: 'state-mismatch' }, 'sign-in-state-mismatch'],
    [{ kind: 'sign-in', reason: 'no-code' }, 'sign-in-failed'],
    [{ kind: 'config', reason: 'client-id-missing' }, 'client-id-missing'],
    [{ kind: 'malformed', endpoint: API, detail: 'BankTransactions: expected array' }, 'malformed-response'],
    [{ kind: 'unknown', detail: 'boom' }, 'unknown'],
    [{ kind: 'network', detail: 'offline' }, 'no-network'],
  ])('%o is %s', (failure, code) => {
    expect(classifyFailure(failure)).toBe(code);
  });

  it.each<[string, ProblemCode]>([
    ['unauthorized_client : Invalid scope for client', 'scope-refused'],
    [
      'Error\n  unauthorized_client : Invalid redirect_uri\n  Request Id: 1234',
      'redirect-uri-not-registered',
    ],
    ['invalid_client', 'client-id-invalid'],
    ['Sorry, there was an error: Unknown client or client not enabled', 'client-id-invalid'],
    ['unauthorized_client', 'client-id-invalid'],
    ['Something unexpected happened', 'sign-in-failed'],
  ])('authorize page "%s" is %s', (text, code) => {
    const failure = authorizePageFailure(text);
    expect(failure.kind).toBe('sign-in');
    expect(failure.reason).toBe('authorize-refused');
    expect(classifyFailure(failure)).toBe(code);
  });

  it('authorize page text is kept flattened and capped', () => {
    const failure = authorizePageFailure(`  invalid_client\n\n${'x'.repeat(10_000)}`);
    expect(failure.pageText?.startsWith('invalid_client x')).toBe(true);
    expect(failure.pageText?.length).toBeLessThanOrEqual(2_001);
  });
});

describe('failureFromThrown', () => {
  it.each([
    'Failed to fetch',
    'fetch failed',
    'NetworkError when attempting to fetch resource.',
    'Load failed',
  ])('TypeError "%s" is a network failure', (message) => {
    const failure = failureFromThrown(new TypeError(message));
    expect(failure.kind).toBe('network');
    expect(classifyFailure(failure)).toBe('no-network');
  });

  it("keeps Node's connection error code", () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(failureFromThrown(error)).toEqual({ kind: 'network', detail: 'fetch failed (ECONNREFUSED)' });
  });

  it('ky’s NetworkError (what our HTTP client throws for a dropped connection) is a network failure', async () => {
    const { default: ky } = await import('ky');
    const refused: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    const error = await ky('http://127.0.0.1:9/', { fetch: refused, retry: 0 }).catch((e: unknown) => e);
    expect(failureFromThrown(error).kind).toBe('network');
  });

  it('a timeout is a network failure', () => {
    expect(failureFromThrown(new DOMException('The operation timed out.', 'TimeoutError')).kind).toBe(
      'network',
    );
  });

  it('any other TypeError, Error or thrown value is unknown, without a stack trace', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'Name')");
    const failure = failureFromThrown(bug);
    expect(failure).toEqual({
      kind: 'unknown',
      detail: "TypeError: Cannot read properties of undefined (reading 'Name')",
    });
    expect(failureFromThrown('plain string')).toEqual({ kind: 'unknown', detail: 'plain string' });
    expect(failureFromThrown(42)).toEqual({ kind: 'unknown', detail: 'Thrown value of type number' });
    expect(failureFromThrown(null)).toEqual({ kind: 'unknown', detail: 'Thrown value of type null' });
  });

  it('redacts tokens from thrown messages', () => {
    const failure = failureFromThrown(new Error('request with Authorization: Bearer eyJabc.def.ghi failed'));
    expect(JSON.stringify(failure)).not.toContain('eyJabc');
  });

  it('a XeroFailure thrown as-is comes back unchanged', () => {
    const failure: XeroFailure = { kind: 'connection', reason: 'removed' };
    expect(failureFromThrown(failure)).toEqual(failure);
  });

  it('every failure it builds passes the schema', () => {
    for (const thrown of [
      new TypeError('Failed to fetch'),
      new Error('The user did not approve access.'),
      'x',
      {},
    ]) {
      expect(xeroFailureSchema.safeParse(failureFromThrown(thrown)).success).toBe(true);
    }
  });
});

describe('isTransient and needsAttention', () => {
  const transient: ProblemCode[] = [
    'no-network',
    'organisation-offline',
    'xero-maintenance',
    'xero-error',
    'rate-limited',
    'malformed-response',
  ];
  const attention: ProblemCode[] = [
    'connection-removed',
    'grant-revoked',
    'grant-expired',
    'access-lost',
    'client-id-missing',
    'client-id-invalid',
    'redirect-uri-not-registered',
    'scope-refused',
    'not-authorised',
  ];

  it.each(PROBLEM_CODES)('%s', (code) => {
    expect(isTransient(code)).toBe(transient.includes(code));
    expect(needsAttention(code)).toBe(attention.includes(code));
    expect(isTransient(code) && needsAttention(code)).toBe(false);
  });
});
