import { describe, expect, test } from 'vitest';
import { matchConnection } from '@/lib/background/page-handlers';
import {
  bankTransactionIdOf,
  bankTransactionIdOfLink,
  pageKindOf,
  shortCodeOf,
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
    ['/app/!EYJ4f', 'app'],
    ['/app/EYJ4f/bank', 'other'],
    ['/Dashboard/', 'other'],
  ])('%s is %s', (path, kind) => {
    expect(pageKindOf(url(path))).toBe(kind);
  });

  test('the short code comes from /app/!{ShortCode}/ URLs only', () => {
    expect(shortCodeOf(url('/app/!EYJ4f/bank/account/1'))).toBe('!EYJ4f');
    expect(shortCodeOf(url('/Bank/BankAccounts.aspx?shortcode=!EYJ4f'))).toBeUndefined();
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

describe('which connected Xero company a page belongs to', () => {
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
  const connections = [
    connection('t1', 'Harbour Lane Cafe', '!EYJ4f'),
    connection('t2', 'Thames Mill Studio', '!tyoCr'),
    connection('t3', 'Twin Co'),
    connection('t4', 'Twin Co'),
  ];

  test('by short code in the URL, before any name', () => {
    const found = matchConnection(connections, {
      url: 'https://go.xero.com/app/!tyoCr/bank',
      organisationName: 'x',
    });
    expect(found.map((c) => c.tenantId)).toEqual(['t2']);
  });

  test('by the name in the header, exact first, then ignoring case and spacing', () => {
    expect(
      matchConnection(connections, { url: 'u', organisationName: 'Harbour Lane Cafe' }).map(
        (c) => c.tenantId,
      ),
    ).toEqual(['t1']);
    expect(
      matchConnection(connections, { url: 'u', organisationName: ' harbour  lane cafe ' }).map(
        (c) => c.tenantId,
      ),
    ).toEqual(['t1']);
  });

  test('a company that is not connected, or a name shared by two, is not one company', () => {
    expect(matchConnection(connections, { url: 'u', organisationName: 'Kangaroo Point Plumbing' })).toEqual(
      [],
    );
    expect(matchConnection(connections, { url: 'u' })).toEqual([]);
    expect(matchConnection(connections, { url: 'u', organisationName: 'Twin Co' })).toHaveLength(2);
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
