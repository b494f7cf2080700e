import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { askBackground, onTasksChanged, PageMessageError } from '@/lib/content/messages';

// The content script uses the browser's own runtime (no polyfill): here, WXT's fake one.
beforeEach(() => {
  vi.stubGlobal('browser', fakeBrowser);
});
afterEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const lookup = { type: 'tasks.lookup' as const, tenantId: 't', bankTransactionIds: ['x'] };
const answer = (reply: unknown) =>
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(reply as never);

test('the content script takes a reply only when it matches the contract', async () => {
  answer({ ok: true, data: { tasks: [{ bankTransactionId: 'b', taskId: 'k', status: 'Open', extra: 1 }] } });
  expect(await askBackground(lookup)).toEqual({
    tasks: [{ bankTransactionId: 'b', taskId: 'k', status: 'Open' }],
  });
  for (const reply of [
    'garbage',
    null,
    { ok: true, data: { tasks: [{ bankTransactionId: 'b', taskId: 'k', status: '<b>Open</b>' }] } },
    { ok: 'yes', data: { tasks: [] } },
  ]) {
    answer(reply);
    const error = await askBackground(lookup).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PageMessageError);
    expect(error).toMatchObject({ code: 'invalid-reply' });
    expect((error as Error).message).toMatch(/Reload this page/);
  }
});

test('a failure the background explained keeps its plain-language message', async () => {
  answer({ ok: false, error: { code: 'not-connected', message: 'Connect this Xero company first.' } });
  await expect(askBackground(lookup)).rejects.toMatchObject({
    code: 'not-connected',
    message: 'Connect this Xero company first.',
  });
});

test('an orphaned content script (extension reloaded) says what to do', async () => {
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('Extension context invalidated.'));
  await expect(askBackground(lookup)).rejects.toMatchObject({ code: 'background-unreachable' });
});

test('a script whose extension is gone (no runtime at all) says what to do, and hears nothing', async () => {
  vi.stubGlobal('browser', undefined);
  vi.stubGlobal('chrome', undefined);
  await expect(askBackground(lookup)).rejects.toMatchObject({ code: 'background-unreachable' });
  expect(() => onTasksChanged(() => undefined, new AbortController().signal)).not.toThrow();
});

test('only well-formed announcements from its own extension reach the listener', async () => {
  const heard: unknown[] = [];
  const noReply = () => undefined;
  const stop = new AbortController();
  onTasksChanged((message) => heard.push(message), stop.signal);
  await fakeBrowser.runtime.onMessage.trigger(
    { type: 'tasks.changed', tenantId: 't' },
    { id: fakeBrowser.runtime.id },
    noReply,
  );
  await fakeBrowser.runtime.onMessage.trigger(
    { type: 'tasks.changed', tenantId: 't' },
    { id: 'another-extension' },
    noReply,
  );
  await fakeBrowser.runtime.onMessage.trigger(
    { type: 'tasks.changed', tenantId: 42 },
    { id: fakeBrowser.runtime.id },
    noReply,
  );
  stop.abort();
  await fakeBrowser.runtime.onMessage.trigger(
    { type: 'tasks.changed', tenantId: null },
    { id: fakeBrowser.runtime.id },
    noReply,
  );
  expect(heard).toEqual([{ type: 'tasks.changed', tenantId: 't' }]);
});
