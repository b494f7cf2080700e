import { describe, expect, test } from 'vitest';
import { askBackground, BackgroundError } from '@/lib/messaging/client';
import { requestSchemas } from '@/lib/messaging/contract';
import { createMessageRouter, type Handlers, matchesPattern, senderKind } from '@/lib/messaging/router';

const status = {
  version: '1.0.0',
  target: 'sandbox' as const,
  startedAt: 1,
  xeroAppUrl: 'http://127.0.0.1:4560',
};
const notCalled = async (): Promise<never> => {
  throw new Error('handler should not run');
};
// Every message type gets a handler that must not run, except the two these tests use.
const handlers = {
  ...(Object.fromEntries(
    Object.keys(requestSchemas).map((type) => [type, notCalled]),
  ) as unknown as Handlers),
  'background.status': async () => status,
  'connections.add': async () => {
    throw Object.assign(new Error('Only a Client Hub Admin can change the Xero integration.'), {
      code: 'admin-only',
    });
  },
} satisfies Handlers;

const origins = {
  extensionOrigin: 'chrome-extension://own-id/',
  contentScriptMatches: ['https://go.xero.com/*', 'http://127.0.0.1/*'],
};
const router = createMessageRouter(handlers, 'own-id', origins);
/** The popup: an extension page, not in a tab. */
const popup = { id: 'own-id', url: 'chrome-extension://own-id/popup.html' };

test('answers a valid message from its own extension', async () => {
  expect(await router({ type: 'background.status' }, popup)).toEqual({ ok: true, data: status });
});

test('refuses messages from another extension or a web page, before any handler runs', async () => {
  expect(
    await router({ type: 'connections.remove', tenantId: 't' }, { id: 'other-extension' }),
  ).toMatchObject({
    ok: false,
    error: { code: 'forbidden-sender' },
  });
  expect(await router({ type: 'connections.remove', tenantId: 't' }, {})).toMatchObject({ ok: false });
});

test('refuses messages outside the contract, including malformed fields', async () => {
  expect(await router({ type: 'tokens.dump' }, popup)).toMatchObject({
    error: { code: 'invalid-message' },
  });
  expect(await router({ type: 'connections.remove', tenantId: 42 }, popup)).toMatchObject({
    error: { code: 'invalid-message' },
  });
  expect(await router('not even an object', popup)).toMatchObject({
    error: { code: 'invalid-message' },
  });
});

test('a handler’s failure travels as words, not as a stack', async () => {
  const reply = await router({ type: 'connections.add' }, popup);
  expect(reply).toEqual({
    ok: false,
    error: { code: 'admin-only', message: 'Only a Client Hub Admin can change the Xero integration.' },
  });
});

test('the asking side validates the answer and turns failures into BackgroundError', async () => {
  const send = (message: unknown) => router(message, popup);
  expect(await askBackground(send, { type: 'background.status' })).toEqual(status);
  await expect(askBackground(send, { type: 'connections.add' })).rejects.toBeInstanceOf(BackgroundError);
  await expect(
    askBackground(async () => ({ ok: true, data: { version: 1 } }), { type: 'background.status' }),
  ).rejects.toMatchObject({ detail: { code: 'invalid-reply' } });
  await expect(askBackground(async () => 'garbage', { type: 'background.status' })).rejects.toMatchObject({
    detail: { code: 'invalid-reply' },
  });
});

describe('who sent it, from the sender’s URL alone', () => {
  const guarded = createMessageRouter(handlers, 'own-id', origins, {
    contentScriptTypes: new Set(['background.status']),
  });
  const xeroTab = { id: 'own-id', tab: { id: 7 }, url: 'https://go.xero.com/Bank/BankAccounts.aspx' };

  test('a content script (Xero’s origin, in a tab) may only send the page messages', async () => {
    expect(senderKind(xeroTab, origins)).toBe('content-script');
    expect(await guarded({ type: 'background.status' }, xeroTab)).toEqual({ ok: true, data: status });
    expect(await guarded({ type: 'connections.remove', tenantId: 't' }, xeroTab)).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
    // The sandbox's pages (any port: match patterns ignore it) are content-script senders too.
    const sandboxTab = { ...xeroTab, url: 'http://127.0.0.1:4560/app/!abc12/bank' };
    expect(senderKind(sandboxTab, origins)).toBe('content-script');
    expect(await guarded({ type: 'connections.add' }, sandboxTab)).toMatchObject({
      error: { code: 'forbidden-sender' },
    });
  });

  test('an extension page is one whether or not it is in a tab', async () => {
    const inTab = { id: 'own-id', tab: { id: 8 }, url: 'chrome-extension://own-id/options.html' };
    for (const sender of [popup, inTab, { ...inTab, url: 'chrome-extension://own-id/tasks.html#task=k' }]) {
      expect(senderKind(sender, origins)).toBe('extension-page');
      // Past the sender check: the handler runs (and refuses for its own reason).
      expect(await guarded({ type: 'connections.add' }, sender)).toMatchObject({
        error: { code: 'admin-only' },
      });
    }
    const firefox = {
      extensionOrigin: 'moz-extension://4b1d6c1e-0000-4000-8000-000000000000/',
      contentScriptMatches: [],
    };
    expect(
      senderKind({ url: 'moz-extension://4b1d6c1e-0000-4000-8000-000000000000/popup.html' }, firefox),
    ).toBe('extension-page');
  });

  test('without a tab, a Xero URL is nobody: no tab, no content script', async () => {
    const noTab = { id: 'own-id', url: 'https://go.xero.com/Bank/BankAccounts.aspx' };
    expect(senderKind(noTab, origins)).toBe('unknown');
    expect(await guarded({ type: 'background.status' }, noTab)).toMatchObject({
      error: { code: 'forbidden-sender' },
    });
  });

  test('anything else is refused: no URL, another origin, another extension, look-alike hosts', async () => {
    const refused = [
      { id: 'own-id' },
      { id: 'own-id', tab: { id: 1 } },
      { id: 'own-id', url: 'not a url', tab: { id: 1 } },
      { id: 'own-id', url: 'https://evil.example/Bank/', tab: { id: 1 } },
      { id: 'own-id', url: 'https://go.xero.com.evil.example/', tab: { id: 1 } },
      { id: 'own-id', url: 'http://go.xero.com/Bank/', tab: { id: 1 } },
      { id: 'own-id', url: 'chrome-extension://other-id/options.html' },
      { id: 'other-id', url: 'chrome-extension://own-id/options.html' },
    ];
    for (const sender of refused) {
      expect(await guarded({ type: 'background.status' }, sender), JSON.stringify(sender)).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
    }
  });

  test('match patterns: scheme, host (with *. subdomains) and path', () => {
    const url = (href: string) => new URL(href);
    expect(matchesPattern(url('https://go.xero.com/app/x'), 'https://go.xero.com/*')).toBe(true);
    expect(matchesPattern(url('https://a.b.xero.com/'), 'https://*.xero.com/*')).toBe(true);
    expect(matchesPattern(url('https://xero.com/'), 'https://*.xero.com/*')).toBe(true);
    expect(matchesPattern(url('https://notxero.com/'), 'https://*.xero.com/*')).toBe(false);
    expect(matchesPattern(url('https://go.xero.com/Bank/x'), 'https://go.xero.com/Bank/*')).toBe(true);
    expect(matchesPattern(url('https://go.xero.com/app/x'), 'https://go.xero.com/Bank/*')).toBe(false);
    expect(matchesPattern(url('https://go.xero.com/'), '*://go.xero.com/*')).toBe(true);
    expect(matchesPattern(url('https://go.xero.com/'), 'not a pattern')).toBe(false);
  });
});

test('page replies (valibot) are checked like every other answer, on both sides of the contract', async () => {
  const lookup = { type: 'tasks.lookup' as const, tenantId: 't', bankTransactionIds: ['x'] };
  const task = { bankTransactionId: 'b', taskId: 'k', status: 'Answered' as const };
  // A well-formed reply passes; a field the contract does not name is dropped, not passed on.
  expect(
    await askBackground(
      async () => ({ ok: true, data: { tasks: [{ ...task, html: '<img src=x>' }] } }),
      lookup,
    ),
  ).toEqual({ tasks: [task] });
  for (const data of [{ tasks: [{ ...task, status: 'Deleted' }] }, { tasks: 'none' }, {}]) {
    await expect(askBackground(async () => ({ ok: true, data }), lookup)).rejects.toMatchObject({
      detail: { code: 'invalid-reply' },
    });
  }
  // A failure's words arrive as sent; a failure without them is itself an invalid reply.
  await expect(
    askBackground(
      async () => ({ ok: false, error: { code: 'offline', message: 'Xero is offline.' } }),
      lookup,
    ),
  ).rejects.toMatchObject({ detail: { code: 'offline', message: 'Xero is offline.' } });
  await expect(
    askBackground(async () => ({ ok: false, error: { code: 'x' } }), lookup),
  ).rejects.toMatchObject({
    detail: { code: 'invalid-reply' },
  });
});
