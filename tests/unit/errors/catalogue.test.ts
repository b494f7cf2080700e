import { describe, expect, it } from 'vitest';
import {
  describeFailure,
  describeProblem,
  failureFromResponse,
  MAX_VALIDATION_MESSAGE,
  PROBLEM_CODES,
  type Problem,
  type ProblemCode,
  type ProblemFacts,
  problemSchema,
} from '@/lib/errors';

const NOW = Date.UTC(2026, 2, 3, 3, 0, 0); // 14:00 in Sydney (UTC+11 in March)
const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const ORG = 'Harbour Street Bakery';
const facts: ProblemFacts = {
  organisationName: ORG,
  redirectUri: REDIRECT_URI,
  retryAt: NOW + 5 * 60_000,
  now: NOW,
  validationMessage: 'The document sub total does not equal the sub total of the lines',
  detail: '500 from https://api.xero.com/api.xro/2.0/Accounts: {"Title":"An error occurred"}',
  timeZone: 'Australia/Sydney',
};

// Words a bookkeeper should never have to read. The redirect URI itself is the one term the admin needs.
const JARGON = [
  /oauth/i,
  /json/i,
  /\bhttps?\b/i,
  /tenant/i,
  /\btoken/i,
  /\bAPI\b/,
  /\b(?:400|401|403|404|429|500|503)\b/,
  /exception/i,
  /stack/i,
  /undefined/,
  /\bnull\b/,
  /\[object/,
  /grant/i,
  /\bscope/i,
];

const withAndWithoutFacts: [string, ProblemFacts][] = [
  ['all facts', facts],
  ['no facts', { now: NOW }],
];

describe('the catalogue covers every problem', () => {
  it.each(PROBLEM_CODES)('%s has a title, a message, an action and a severity', (code) => {
    for (const [, given] of withAndWithoutFacts) {
      const problem = describeProblem(code, given);
      expect(problem.code).toBe(code);
      expect(problem.title.trim().length).toBeGreaterThan(3);
      expect(problem.message.trim().length).toBeGreaterThan(20);
      expect(problem.action.trim().length).toBeGreaterThan(10);
      expect(problem.message).toMatch(/[.!]$/);
      expect(problemSchema.parse(problem)).toEqual(problem);
    }
  });

  it.each(PROBLEM_CODES)('%s speaks plainly, without jargon', (code) => {
    for (const [, given] of withAndWithoutFacts) {
      const { title, message, action } = describeProblem(code, given);
      for (const text of [title, message, action.replace(REDIRECT_URI, '')]) {
        for (const word of JARGON) expect(text, `${code}: ${text}`).not.toMatch(word);
      }
    }
  });

  it('each code reads differently', () => {
    const messages = PROBLEM_CODES.map((code) => describeProblem(code, facts).message);
    expect(new Set(messages).size).toBe(PROBLEM_CODES.length);
  });
});

describe('facts in the words', () => {
  it('the redirect URI appears verbatim in the action to register it', () => {
    const problem = describeProblem('redirect-uri-not-registered', facts);
    expect(problem.action).toContain(REDIRECT_URI);
    expect(problem.action).toMatch(/developer\.xero\.com/);
    expect(describeProblem('redirect-uri-not-registered').action).toMatch(/settings/);
  });

  it.each<ProblemCode>([
    'connection-removed',
    'access-lost',
    'grant-revoked',
    'grant-expired',
    'organisation-offline',
    'xero-maintenance',
    'rate-limited',
    'validation',
    'not-authorised',
  ])('%s names the Xero company when known', (code) => {
    expect(describeProblem(code, facts).message).toContain(ORG);
    expect(describeProblem(code, { now: NOW }).message).not.toContain(ORG);
  });

  it("a hostile company name is carried as-is, as plain text: escaping is the renderer's job", () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const problem = describeProblem('connection-removed', { organisationName: hostile });
    expect(problem.message).toContain(hostile);
    expect(problem.action).toContain(hostile);
  });

  it('Xero’s words are direction-isolated in the sentence: their controls cannot reorder it', () => {
    const rlo = 'Evil\u202e Ltd\u2069';
    const problem = describeProblem('connection-removed', { organisationName: rlo, now: NOW });
    expect(problem.message).toContain('\u2068Evil Ltd\u2069');
    expect(problem.message).not.toContain('\u202e');
    const refused = describeProblem('validation', { validationMessage: 'Nope\u202e 12.34', now: NOW });
    expect(refused.message).toContain('"\u2068Nope 12.34\u2069"');
  });

  it('a very long company name is capped', () => {
    const problem = describeProblem('access-lost', { organisationName: 'B'.repeat(5_000) });
    expect(problem.message.length).toBeLessThan(400);
  });

  it("Xero's validation message is quoted but capped at 300 characters", () => {
    const short = describeProblem('validation', facts);
    expect(short.message).toContain('The document sub total does not equal the sub total of the lines');
    const long = describeProblem('validation', { validationMessage: `Too long ${'x'.repeat(5_000)}` });
    expect(long.message).toContain('Too long');
    expect(long.message).not.toContain('x'.repeat(MAX_VALIDATION_MESSAGE));
    expect(long.message.length).toBeLessThan(MAX_VALIDATION_MESSAGE + 120);
  });

  it('grant-expired explains the 60 days and says to press Refresh', () => {
    const problem = describeProblem('grant-expired', facts);
    expect(problem.message).toMatch(/60 days/);
    expect(problem.action).toMatch(/Refresh/);
  });

  it('connection-removed names Connected Apps, Refresh, and that nothing is lost', () => {
    const problem = describeProblem('connection-removed', facts);
    expect(problem.title).toBe('Connection removed in Xero');
    expect(problem.message).toMatch(/Connected Apps/);
    expect(problem.action).toMatch(/Refresh/);
    expect(problem.action).toMatch(/workspace.*kept/);
  });

  it('organisation-offline says it is temporary and retried automatically', () => {
    const problem = describeProblem('organisation-offline', facts);
    expect(problem.message).toMatch(/hour/);
    expect(problem.action).toMatch(/try again by itself/);
  });
});

describe('rate limits', () => {
  it('says when the limit resets, in the given time zone, and that nothing is lost', () => {
    const problem = describeProblem('rate-limited', facts);
    expect(problem.action).toBe(
      `Nothing to do: Xero's limit for \u2068${ORG}\u2069 resets at 14:05, and Client Hub will carry on then.`,
    );
    expect(problem.message).toMatch(/Nothing is lost/);
    expect(problem.severity).toBe('info');
  });

  it('the same moment reads differently in another zone', () => {
    expect(describeProblem('rate-limited', { ...facts, timeZone: 'Europe/London' }).action).toContain(
      'resets at 03:05',
    );
  });

  it('a reset on another day names the day', () => {
    const problem = describeProblem('rate-limited', {
      ...facts,
      rateLimit: 'day',
      retryAt: NOW + 12 * 60 * 60_000,
    });
    expect(problem.message).toMatch(/in a day/);
    expect(problem.action).toContain('resets at 02:00 on Wednesday 4 March');
  });

  it('an unknown time zone falls back instead of throwing', () => {
    expect(() => describeProblem('rate-limited', { ...facts, timeZone: 'Mars/Olympus' })).not.toThrow();
  });

  it('without a reset time it still says something concrete', () => {
    expect(describeProblem('rate-limited', { now: NOW }).action).toMatch(/resets within a minute/);
    expect(describeProblem('rate-limited', { now: NOW, rateLimit: 'day' }).action).toMatch(
      /resets within a day/,
    );
  });

  it('describeFailure turns Retry-After into the reset time', () => {
    const failure = failureFromResponse(
      'https://api.xero.com/api.xro/2.0/BankTransactions',
      429,
      new Headers({ 'Retry-After': '300', 'X-Rate-Limit-Problem': 'minute' }),
      '',
    );
    const problem = describeFailure(failure, {
      organisationName: ORG,
      now: NOW,
      timeZone: 'Australia/Sydney',
    });
    expect(problem.code).toBe('rate-limited');
    expect(problem.action).toContain(`limit for \u2068${ORG}\u2069 resets at 14:05`);
  });
});

describe('support detail', () => {
  const WITH_DETAIL: ProblemCode[] = [
    'unknown',
    'malformed-response',
    'xero-error',
    'request-rejected',
    'sign-in-failed',
  ];

  it.each(PROBLEM_CODES)('%s has support detail only where support can help', (code) => {
    const problem = describeProblem(code, facts);
    if (WITH_DETAIL.includes(code)) {
      expect(problem.supportDetail).toContain(`Problem: ${code}`);
      expect(problem.supportDetail).toContain('Detail: 500 from');
      expect(problem.supportDetail).toContain(`Time: ${new Date(NOW).toISOString()}`);
    } else {
      expect(problem.supportDetail).toBeUndefined();
    }
  });

  it('raw detail never reaches the message or action', () => {
    for (const code of PROBLEM_CODES) {
      const problem: Problem = describeProblem(code, { ...facts, detail: 'RAW-DETAIL-MARKER' });
      expect(problem.message + problem.action + problem.title).not.toContain('RAW-DETAIL-MARKER');
    }
  });

  it('never carries a bearer token or token values, even when the raw body had them', () => {
    const body =
      '{"Title":"An error occurred","echo":"Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",' +
      '"access_token":"acc-secret","refresh_token":"ref-secret"} refresh_token=form-secret';
    const problem = describeFailure(
      failureFromResponse('https://api.xero.com/api.xro/2.0/Accounts', 500, {}, body),
      {
        now: NOW,
      },
    );
    expect(problem.code).toBe('xero-error');
    expect(problem.supportDetail).toContain('An error occurred');
    for (const secret of ['eyJhbGciOiJSUzI1NiJ9', 'acc-secret', 'ref-secret', 'form-secret']) {
      expect(problem.supportDetail).not.toContain(secret);
    }
    const direct = describeProblem('unknown', { detail: 'Bearer abc123secret', now: NOW });
    expect(direct.supportDetail).not.toContain('abc123secret');
  });

  it('authorize page text stays out of the words but reaches support when sign-in failed', () => {
    const pageText = 'Oops <script>steal()</script> unexpected';
    const problem = describeFailure({ kind: 'sign-in', reason: 'authorize-refused', pageText }, { now: NOW });
    expect(problem.code).toBe('sign-in-failed');
    expect(problem.message + problem.action).not.toContain('steal');
    expect(problem.supportDetail).toContain(pageText);
  });
});

describe('describeFailure', () => {
  it("carries Xero's validation message into the words", () => {
    const body = JSON.stringify({
      ErrorNumber: 10,
      Type: 'ValidationException',
      Message: 'A validation exception occurred',
      Elements: [
        { ValidationErrors: [{ Message: 'Account code 999 is not a valid code for this document.' }] },
      ],
    });
    const problem = describeFailure(failureFromResponse('/BankTransactions/abc', 400, {}, body), {
      now: NOW,
    });
    expect(problem.code).toBe('validation');
    expect(problem.message).toContain('Account code 999 is not a valid code for this document.');
  });

  it('uses the grant context to tell expired from revoked', () => {
    const failure = failureFromResponse(
      'https://identity.xero.com/connect/token',
      400,
      {},
      '{"error":"invalid_grant"}',
    );
    const day = 24 * 60 * 60 * 1000;
    expect(describeFailure(failure, { now: NOW }, { grantLastUsedAt: NOW - 61 * day }).code).toBe(
      'grant-expired',
    );
    expect(describeFailure(failure, { now: NOW }, { grantLastUsedAt: NOW - day }).code).toBe('grant-revoked');
  });

  it('facts given by the caller win over those read from the failure', () => {
    const failure = failureFromResponse('/x', 429, { 'retry-after': '60' }, '');
    const problem = describeFailure(failure, { now: NOW, retryAt: NOW + 10 * 60_000, timeZone: 'UTC' });
    expect(problem.action).toContain('resets at 03:10');
  });
});
