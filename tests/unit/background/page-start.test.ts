import { expect, test } from 'vitest';
import { createStartPageHandler, type PageScriptTarget } from '@/lib/background/page-start';
import { limitPerTab, TAB_LIMITS } from '@/lib/background/rate-limit';
import { START_PAGE_SCRIPT } from '@/lib/messaging/page-start';
import { createMessageRouter, type Handlers } from '@/lib/messaging/router';
import { handlersThatMustNotRun } from './handlers';

const origins = {
  extensionOrigin: 'chrome-extension://own-id/',
  contentScriptMatches: ['https://go.xero.com/*'],
};

function routerInjecting(injected: PageScriptTarget[], now = () => 0) {
  const handlers = {
    ...handlersThatMustNotRun(),
    'xero.startPage': createStartPageHandler({
      inject: async (target) => {
        injected.push(target);
      },
      origins,
    }),
  } satisfies Handlers;
  return createMessageRouter(handlers, 'own-id', origins, {
    admit: limitPerTab(now),
    contentScriptTypes: new Set(['xero.startPage']),
  });
}

test('a loaded Xero page gets the content script injected into the frame that asked, and no other', async () => {
  const injected: PageScriptTarget[] = [];
  const route = routerInjecting(injected);
  const fromXero = {
    id: 'own-id',
    tab: { id: 7 },
    frameId: 0,
    url: 'https://go.xero.com/Bank/BankTransactions.aspx',
  };
  expect(await route(START_PAGE_SCRIPT, fromXero)).toEqual({ ok: true, data: { started: true } });
  expect(await route(START_PAGE_SCRIPT, { ...fromXero, tab: { id: 9 }, frameId: 3 })).toMatchObject({
    ok: true,
  });
  // Where the browser names the document (Chrome), that document: a page prerendered in the tab is
  // not its top frame yet, and a page that has gone is not injected into in its place.
  expect(await route(START_PAGE_SCRIPT, { ...fromXero, documentId: 'DOC-1' })).toMatchObject({ ok: true });
  expect(injected).toEqual([
    { tabId: 7, frameId: 0 },
    { tabId: 9, frameId: 3 },
    { tabId: 7, frameId: 0, documentId: 'DOC-1' },
  ]);
});

test('nothing is injected for a sender that is not our start script on a Xero page', async () => {
  const injected: PageScriptTarget[] = [];
  const route = routerInjecting(injected);
  // Another site, another extension, an extension page (it may send any request, but this one
  // injects into web pages only), a frame outside a tab.
  const refused = [
    { id: 'own-id', tab: { id: 1 }, frameId: 0, url: 'https://evil.example/' },
    { id: 'other-extension', tab: { id: 1 }, frameId: 0, url: 'https://go.xero.com/' },
    { id: 'own-id', tab: { id: 1 }, frameId: 0, url: 'chrome-extension://own-id/options.html' },
    { id: 'own-id', url: 'https://go.xero.com/' },
  ];
  for (const sender of refused) {
    const reply = await route(START_PAGE_SCRIPT, sender);
    expect(reply.ok ? reply.data : reply.error.code).not.toEqual({ started: true });
  }
  // Extra fields are not the message: it names no target of its own.
  expect(
    await route(
      { ...START_PAGE_SCRIPT, tabId: 3 },
      { id: 'own-id', tab: { id: 1 }, frameId: 0, url: 'https://go.xero.com/' },
    ),
  ).toMatchObject({ ok: true });
  expect(injected).toEqual([{ tabId: 1, frameId: 0 }]);
});

test('a page reloading itself in a loop is not injected into as fast as it can ask', async () => {
  const injected: PageScriptTarget[] = [];
  let now = 0;
  const route = routerInjecting(injected, () => now);
  const fromTab = { id: 'own-id', tab: { id: 4 }, frameId: 0, url: 'https://go.xero.com/Bank/x' };
  const replies = [];
  for (let n = 0; n < 30; n++) replies.push(await route(START_PAGE_SCRIPT, fromTab));
  const { burst, everyMs } = TAB_LIMITS['xero.startPage'];
  expect(injected).toHaveLength(burst);
  expect(replies.at(-1)).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
  now += everyMs;
  expect(await route(START_PAGE_SCRIPT, fromTab)).toMatchObject({ ok: true, data: { started: true } });
});

test('without the scripting API (a test build of the background), nothing is started', async () => {
  const handler = createStartPageHandler({ origins });
  expect(
    await handler(START_PAGE_SCRIPT, {
      id: 'own-id',
      tab: { id: 1 },
      frameId: 0,
      url: 'https://go.xero.com/',
    }),
  ).toEqual({ started: false });
});
