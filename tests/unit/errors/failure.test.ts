import { describe, expect, it } from 'vitest';
import { redactSecrets, xeroFailureSchema } from '@/lib/errors';

describe('xeroFailureSchema', () => {
  it('accepts each kind and rejects unknown kinds or reasons', () => {
    const valid = [
      { kind: 'network', detail: 'Failed to fetch' },
      { kind: 'http', endpoint: '/connections', status: 500, headers: { 'retry-after': '1' }, body: '' },
      { kind: 'oauth', endpoint: 'token', error: 'invalid_grant' },
      { kind: 'sign-in', reason: 'authorize-refused', pageText: 'invalid_client' },
      { kind: 'config', reason: 'client-id-missing' },
      { kind: 'connection', reason: 'access-lost' },
      { kind: 'malformed', endpoint: '/Accounts', detail: 'not JSON' },
      { kind: 'unknown', detail: 'x' },
    ];
    for (const failure of valid) expect(xeroFailureSchema.safeParse(failure).success).toBe(true);
    expect(xeroFailureSchema.safeParse({ kind: 'teapot' }).success).toBe(false);
    expect(xeroFailureSchema.safeParse({ kind: 'sign-in', reason: 'bored' }).success).toBe(false);
    expect(xeroFailureSchema.safeParse({ kind: 'oauth', endpoint: 'authorize', error: 'x' }).success).toBe(
      false,
    );
  });
});

describe('redactSecrets', () => {
  it('removes bearer tokens, JWTs and token values in JSON, form and query text', () => {
    const text = [
      'Authorization: Bearer abc.def-ghi_123',
      '{"access_token":"eyJhbGciOi.eyJzdWIi.sig","refresh_token": "r3fr3sh","token_type":"Bearer","expires_in":1800}',
      'grant_type=refresh_token&refresh_token=r3fr3sh2&client_id=CLIENT',
      'https://x.chromiumapp.org/?code=c0de&state=s',
      'token=t0k3n',
    ].join('\n');
    const redacted = redactSecrets(text);
    for (const secret of ['abc.def-ghi_123', 'eyJhbGciOi', 'r3fr3sh', 'r3fr3sh2', 'c0de', 't0k3n']) {
      expect(redacted).not.toContain(secret);
    }
    // What support needs stays readable.
    expect(redacted).toContain('"token_type":"Bearer"');
    expect(redacted).toContain('client_id=CLIENT');
    expect(redacted).toContain('state=s');
    expect(redacted).toContain('grant_type=refresh_token');
  });

  it('leaves ordinary text alone', () => {
    const text = 'ErrorCode=5 error_code=7 The Organisation is offline';
    expect(redactSecrets(text)).toBe(text);
  });
});
