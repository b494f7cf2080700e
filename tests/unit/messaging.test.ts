import { expect, test } from 'vitest';
import { askBackground, BackgroundError } from '@/lib/messaging/client';
import { requestSchemas } from '@/lib/messaging/contract';
import { createMessageRouter, type Handlers } from '@/lib/messaging/router';

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

const router = createMessageRouter(handlers, 'own-id');

test('answers a valid message from its own extension', async () => {
  expect(await router({ type: 'background.status' }, { id: 'own-id' })).toEqual({ ok: true, data: status });
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
  expect(await router({ type: 'tokens.dump' }, { id: 'own-id' })).toMatchObject({
    error: { code: 'invalid-message' },
  });
  expect(await router({ type: 'connections.remove', tenantId: 42 }, { id: 'own-id' })).toMatchObject({
    error: { code: 'invalid-message' },
  });
  expect(await router('not even an object', { id: 'own-id' })).toMatchObject({
    error: { code: 'invalid-message' },
  });
});

test('a handler’s failure travels as words, not as a stack', async () => {
  const reply = await router({ type: 'connections.add' }, { id: 'own-id' });
  expect(reply).toEqual({
    ok: false,
    error: { code: 'admin-only', message: 'Only a Client Hub Admin can change the Xero integration.' },
  });
});

test('the asking side validates the answer and turns failures into BackgroundError', async () => {
  const send = (message: unknown) => router(message, { id: 'own-id' });
  expect(await askBackground(send, { type: 'background.status' })).toEqual(status);
  await expect(askBackground(send, { type: 'connections.add' })).rejects.toBeInstanceOf(BackgroundError);
  await expect(
    askBackground(async () => ({ ok: true, data: { version: 1 } }), { type: 'background.status' }),
  ).rejects.toMatchObject({ detail: { code: 'invalid-reply' } });
  await expect(askBackground(async () => 'garbage', { type: 'background.status' })).rejects.toMatchObject({
    detail: { code: 'invalid-reply' },
  });
});

test('a content script (a sender in a tab, not on the extension’s origin) may only send the page messages', async () => {
  const guarded = createMessageRouter(handlers, 'own-id', {
    extensionOrigin: 'chrome-extension://own-id/',
    contentScriptTypes: new Set(['background.status']),
  });
  const xeroTab = { id: 'own-id', tab: { id: 7 }, url: 'https://go.xero.com/Bank/BankAccounts.aspx' };
  expect(await guarded({ type: 'background.status' }, xeroTab)).toEqual({ ok: true, data: status });
  expect(await guarded({ type: 'connections.remove', tenantId: 't' }, xeroTab)).toMatchObject({
    ok: false,
    error: { code: 'forbidden-sender' },
  });
  // The options page opened in a tab is an extension page: everything in the contract.
  const optionsTab = { id: 'own-id', tab: { id: 8 }, url: 'chrome-extension://own-id/options.html' };
  expect(await guarded({ type: 'connections.add' }, optionsTab)).toMatchObject({
    error: { code: 'admin-only' },
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
