import { describe, expect, test } from 'vitest';
import { decideOrganisation, initialsOf, type PageSignals } from '@/lib/background/page-organisation';
import {
  bankTransactionIdOf,
  bankTransactionIdOfLink,
  looksAbbreviated,
  mostFrequentShortCode,
  pageKindOf,
  shortCodeOf,
  shortCodeOfHref,
  TRANSACTION_LINK_SELECTOR,
} from '@/lib/content/xero-pages';
import type { Connection } from '@/lib/db/records';
import { pageRequestSchemas } from '@/lib/messaging/page-contract';

const ID = '3f0c2a5e-8b1d-4c6e-9a7f-0123456789ab';
const url = (path: string) => new URL(path, 'https://go.xero.com');

describe('which Xero page this is', () => {
  test.each([
    ['/Bank/BankAccounts.aspx', 'bank-accounts'],
    ['/Bank/BankTransactions.aspx?accountID=abc', 'account-transactions'],
    [`/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`, 'transaction'],
    ['/bank/viewtransaction.aspx', 'transaction'],
    ['/app/!EYJ4f/bank', 'app'],
    ['/app/!0X0!!/homepage', 'app'],
    ['/BankRec/BankRec.aspx?accountID=abc', 'reconcile'],
    ['/bankrec/bankrec.aspx', 'reconcile'],
    ['/Bank/BankRec.aspx', 'other'],
    ['/app/!EYJ4f', 'app'],
    ['/app/EYJ4f/bank', 'other'],
    ['/Dashboard/', 'other'],
  ])('%s is %s', (path, kind) => {
    expect(pageKindOf(url(path))).toBe(kind);
  });

  test('the short code comes from /app/!{ShortCode}/ URLs only', () => {
    expect(shortCodeOf(url('/app/!EYJ4f/bank/account/1'))).toBe('!EYJ4f');
    expect(shortCodeOf(url('/Bank/BankAccounts.aspx?shortcode=!EYJ4f'))).toBeUndefined();
    expect(shortCodeOf(url('/app/onboarding-ui'))).toBeUndefined();
  });

  // Real short codes (XERO-API-NOTES "The Xero web app"): "!" and "-" may follow the first "!".
  test.each(['!0X0!!', '!G4KH-', '!-jCNg', '!!MbJQ', '!EYJ4f', '!tyoCr'])('%s is read whole', (code) => {
    expect(shortCodeOf(url(`/app/${code}/dashboard`))).toBe(code);
    expect(shortCodeOf(url(`/app/${code}`))).toBe(code);
    expect(shortCodeOf(url(`/app/${code}?x=1`))).toBe(code);
    expect(shortCodeOfHref(`/app/${code}/homepage`)).toBe(code);
    expect(shortCodeOfHref(`https://go.xero.com/app/${code}/contacts#top`)).toBe(code);
    expect(shortCodeOfHref(`/app/${code}?from=nav`)).toBe(code);
  });

  test('the page’s own short code is the most frequent in its links; a tie is no answer', () => {
    const nav = [
      '/app/!0X0!!/homepage',
      '/app/!0X0!!/sales',
      '/Bank/BankAccounts.aspx',
      '/app/!0X0!!/contacts',
    ];
    expect(mostFrequentShortCode([...nav, '/app/!G4KH-/homepage', '/app/!-jCNg/homepage'])).toBe('!0X0!!');
    expect(mostFrequentShortCode(['/app/!G4KH-/a', '/app/!-jCNg/a'])).toBeUndefined();
    expect(mostFrequentShortCode(['/Bank/BankAccounts.aspx'])).toBeUndefined();
  });

  test('an abbreviated name is a short run of capitals: "DCG", not "Demo Company (Global)"', () => {
    expect(looksAbbreviated('DCG')).toBe(true);
    expect(looksAbbreviated('HLC')).toBe(true);
    expect(looksAbbreviated('Demo Company (Global)')).toBe(false);
    expect(looksAbbreviated('Harbour Lane Cafe')).toBe(false);
    expect(initialsOf('Demo Company (Global)')).toBe('DCG');
  });
});

describe('transactions from URLs and links', () => {
  test('bankTransactionID in any letter case, lower-cased; anything but a GUID is ignored', () => {
    expect(bankTransactionIdOf(url(`/Bank/ViewTransaction.aspx?bankTransactionID=${ID.toUpperCase()}`))).toBe(
      ID,
    );
    expect(bankTransactionIdOf(url(`/x?BANKTRANSACTIONID=${ID}`))).toBe(ID);
    expect(bankTransactionIdOf(url('/x?bankTransactionID=<script>'))).toBeNull();
    expect(bankTransactionIdOf(url(`/x?accountID=${ID}`))).toBeNull();
  });

  test('relative, absolute and broken link targets', () => {
    const page = 'https://go.xero.com/Bank/BankTransactions.aspx?accountID=a';
    expect(bankTransactionIdOfLink(`ViewTransaction.aspx?bankTransactionID=${ID}`, page)).toBe(ID);
    expect(bankTransactionIdOfLink(`/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`, page)).toBe(ID);
    expect(
      bankTransactionIdOfLink(
        `/organisationlogin/default.aspx?shortcode=!x&redirecturl=%2FBank%2FViewTransaction.aspx%3FbankTransactionID%3D${ID}`,
        page,
      ),
    ).toBeNull();
    expect(bankTransactionIdOfLink('http://[', page)).toBeNull();
  });

  test('the link selector is case-insensitive about the parameter name', () => {
    expect(TRANSACTION_LINK_SELECTOR).toBe('a[href*="banktransactionid=" i]');
  });
});

describe('which connected Xero company a page belongs to, signal by signal', () => {
  const connection = (tenantId: string, name: string, shortCode?: string): Connection => ({
    tenantId,
    xeroConnectionId: `c-${tenantId}`,
    grantId: 'g',
    tenantName: name,
    organisation: { name, ...(shortCode ? { shortCode } : {}) },
    workspaceId: null,
    monitoredAccountIds: [],
    sentBy: { name: 'A', email: 'a@b.test' },
    connectedAt: 1,
    lastSyncedAt: null,
    health: { state: 'healthy', checkedAt: 1 },
  });
  const demo = connection('t1', 'Demo Company (Global)', '!0X0!!');
  const thames = connection('t2', 'Thames Mill Studio', '!G4KH-');
  const twinA = connection('t3', 'Twin Co', '!-jCNg');
  const twinB = connection('t4', 'Twin Co', '!!MbJQ');
  const all = [demo, thames, twinA, twinB];
  /** Transaction ids each company knows (synced or pushed). */
  const known: Record<string, string[]> = { t1: ['id-demo'], t2: ['id-thames'], t3: ['id-twin-a'], t4: [] };
  const decide = (page: Omit<PageSignals, 'url'> & { url?: string }, connections = all) =>
    decideOrganisation(
      connections,
      { url: 'https://go.xero.com/Bank/BankAccounts.aspx', ...page },
      async (t, ids) => ids.some((id) => known[t]?.includes(id)),
    );
  const tenantOf = async (page: Parameters<typeof decide>[0], connections = all) => {
    const verdict = await decide(page, connections);
    return verdict.kind === 'connected' ? `${verdict.tenantId} by ${verdict.by}` : verdict.kind;
  };

  test('1. the short code in the URL, before everything else', async () => {
    expect(
      await tenantOf({
        url: 'https://go.xero.com/app/!G4KH-/bank',
        organisationName: 'Demo Company (Global)',
      }),
    ).toBe('t2 by url');
    expect(await tenantOf({ shortCode: '!0X0!!', navigationShortCode: '!G4KH-' })).toBe('t1 by url');
    // A code no connection has: another organisation, whatever else the page says.
    expect(
      await tenantOf({ shortCode: '!zzzzz', navigationShortCode: '!0X0!!', organisationName: 'Twin Co' }),
    ).toBe('not-connected');
  });

  test('2. the short code in the navigation links, on legacy pages', async () => {
    expect(
      await tenantOf({ navigationShortCode: '!0X0!!', organisationName: 'DCG', nameAbbreviated: true }),
    ).toBe('t1 by navigation');
    expect(await tenantOf({ navigationShortCode: '!-jCNg', organisationName: 'Twin Co' })).toBe(
      't3 by navigation',
    );
    expect(await tenantOf({ navigationShortCode: '!nope!' })).toBe('not-connected');
  });

  test('3. the name, only when it is not abbreviated', async () => {
    expect(await tenantOf({ organisationName: 'Thames Mill Studio' })).toBe('t2 by name');
    expect(await tenantOf({ organisationName: ' thames  mill studio ' })).toBe('t2 by name');
    expect(await tenantOf({ organisationName: 'Kangaroo Point Plumbing' })).toBe('not-connected');
    const short = await decide({ organisationName: 'DCG', nameAbbreviated: true });
    expect(short.kind).toBe('uncertain');
    // Initials of a connected company count as abbreviated even if the page did not say so.
    expect((await decide({ organisationName: 'DCG' })).kind).toBe('uncertain');
    // …but a company really called "DCG" is named by it.
    const dcg = connection('t9', 'DCG', '!DCG00');
    expect(await tenantOf({ organisationName: 'DCG' }, [thames, dcg])).toBe('t9 by name');
  });

  test('4. which connected company knows the page’s transactions', async () => {
    expect(await tenantOf({ bankTransactionIds: ['id-thames', 'id-unknown'] })).toBe('t2 by transactions');
    expect(await tenantOf({ organisationName: 'Twin Co', bankTransactionIds: ['id-twin-a'] })).toBe(
      't3 by transactions',
    );
    const twins = await decide({ organisationName: 'Twin Co', bankTransactionIds: ['id-unknown'] });
    expect(twins).toMatchObject({
      kind: 'uncertain',
      reason: expect.stringContaining('two connected organisations'),
    });
    expect(await tenantOf({ bankTransactionIds: ['id-unknown'] })).toBe('uncertain');
  });

  test('never the wrong company: a weaker signal pointing elsewhere makes the page uncertain', async () => {
    expect(
      (await decide({ navigationShortCode: '!0X0!!', organisationName: 'Thames Mill Studio' })).kind,
    ).toBe('uncertain');
    expect((await decide({ navigationShortCode: '!0X0!!', bankTransactionIds: ['id-thames'] })).kind).toBe(
      'uncertain',
    );
    expect(
      (await decide({ organisationName: 'Thames Mill Studio', bankTransactionIds: ['id-demo'] })).kind,
    ).toBe('uncertain');
    // Signals that agree, or say nothing, do not.
    expect(
      await tenantOf({ navigationShortCode: '!0X0!!', bankTransactionIds: ['id-demo', 'id-unknown'] }),
    ).toBe('t1 by navigation');
  });

  test('nothing to go on: uncertain, with a reason an Admin can read', async () => {
    const verdict = await decide({});
    expect(verdict).toMatchObject({ kind: 'uncertain', reason: expect.stringContaining('neither') });
  });

  test('a connection with no short code on record can still be found by name when the code matches none', async () => {
    const old = connection('t5', 'Old Co');
    expect(await tenantOf({ navigationShortCode: '!0ld00', organisationName: 'Old Co' }, [demo, old])).toBe(
      't5 by name',
    );
    expect(
      await tenantOf({ navigationShortCode: '!0ld00', organisationName: 'Demo Company (Global)' }, [
        demo,
        old,
      ]),
    ).toBe('not-connected');
  });
});

describe('the page messages are bounded', () => {
  test('a lookup takes at most 500 transaction ids, each a GUID', () => {
    const lookup = pageRequestSchemas['tasks.lookup'];
    const ids = (n: number) => Array.from({ length: n }, () => ID);
    expect(
      lookup.safeParse({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: ids(500) }).success,
    ).toBe(true);
    expect(
      lookup.safeParse({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: ids(501) }).success,
    ).toBe(false);
    expect(lookup.safeParse({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: [] }).success).toBe(
      false,
    );
    expect(
      lookup.safeParse({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: ['<b>'] }).success,
    ).toBe(false);
  });
});

describe('the background router applies the page contract', () => {
  test('an oversized or malformed page message is refused before any handler runs', async () => {
    const { createMessageRouter } = await import('@/lib/messaging/router');
    const { requestSchemas } = await import('@/lib/messaging/contract');
    let ran = false;
    const handlers = Object.fromEntries(
      Object.keys(requestSchemas).map((type) => [
        type,
        async () => {
          ran = true;
          return { tasks: [] };
        },
      ]),
    ) as unknown as Parameters<typeof createMessageRouter>[0];
    const router = createMessageRouter(handlers, 'own-id', {
      extensionOrigin: 'chrome-extension://own-id/',
      contentScriptMatches: ['https://go.xero.com/*'],
    });
    const page = { id: 'own-id', url: 'chrome-extension://own-id/tasks.html' };
    const ids = Array.from({ length: 501 }, () => ID);
    expect(
      await router({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: ids }, page),
    ).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(await router({ type: 'tasks.push', tenantId: 't', bankTransactionId: 'x' }, page)).toMatchObject({
      ok: false,
    });
    expect(ran).toBe(false);
    expect(await router({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: [ID] }, page)).toEqual({
      ok: true,
      data: { tasks: [] },
    });
    expect(
      await router({ type: 'tasks.lookup', tenantId: 't', bankTransactionIds: [ID] }, { id: 'web-page' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });
});
