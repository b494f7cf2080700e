import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/data/generate.ts';
import { totalsOf } from '../../sandbox/data/model.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, control, mint, start, tenantIds } from './helpers.ts';

let sandbox: Sandbox;
let token: string;
let tenantId: string;
beforeAll(async () => {
  sandbox = await start({ scale: 500, limits: { perMinute: 100_000, perDay: 100_000 } });
  token = (await mint(sandbox)).access_token;
  [tenantId = ''] = tenantIds(sandbox);
});
afterAll(() => sandbox.close());

interface Truth {
  BankTransactionID: string;
  Status: string;
  Total: number;
  Contact: { Name: string };
  LineItems: { LineItemID: string; AccountCode: string; Description: string }[];
  History: { Changes: string }[];
}

const changedSince = async (since: number): Promise<string[]> => {
  const response = await api(sandbox, token, tenantId, 'BankTransactions?page=1', {
    headers: { 'if-modified-since': new Date(since).toUTCString() },
  });
  return (
    (await response.json()) as { BankTransactions: { BankTransactionID: string }[] }
  ).BankTransactions.map((t) => t.BankTransactionID);
};

describe('control API edits show up as Xero changes', () => {
  it('create, recategorise, change amount/contact/description/date, delete and void bump UpdatedDateUTC', async () => {
    sandbox.clock.advance(10 * 60 * 1000);
    const since = sandbox.clock.now();
    const created = await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions`, {
      contactName: 'New Supplier',
      lineItems: [{ description: 'Mystery', amount: 42.5, accountCode: '498' }],
    });
    expect(created.status).toBe(201);
    const createdBody = (await created.json()) as Truth;
    expect(createdBody.Total).toBe(42.5);

    const [a, b, c] =
      sandbox.state
        .organisation(tenantId)
        ?.transactions.filter(
          (t) => t.status === 'AUTHORISED' && t.lineItems.length === 1 && t.type === 'SPEND',
        ) ?? [];
    const edit = (id: string | undefined, body: unknown) =>
      control(sandbox, 'PATCH', `/orgs/${tenantId}/bank-transactions/${id}`, body);
    const recategorised = await edit(a?.bankTransactionId, { recategorise: { accountCode: '429' } });
    expect(recategorised.status).toBe(200);
    expect(((await recategorised.json()) as Truth).LineItems[0]?.AccountCode).toBe('429');
    const changed = (await (
      await edit(b?.bankTransactionId, {
        amount: 12.34,
        contactName: 'Changed Contact',
        description: 'Changed',
        date: '2026-01-02',
      })
    ).json()) as Truth & { Date: string };
    expect(changed.Total).toBe(12.34);
    expect(changed.Contact.Name).toBe('Changed Contact');
    expect(changed.LineItems[0]?.Description).toBe('Changed');
    expect(changed.Date).toBe(`/Date(${Date.UTC(2026, 0, 2)}+0000)/`);
    expect(
      (await control(sandbox, 'DELETE', `/orgs/${tenantId}/bank-transactions/${c?.bankTransactionId}`))
        .status,
    ).toBe(200);
    const d = sandbox.state
      .organisation(tenantId)
      ?.transactions.find((t) => t.status === 'AUTHORISED' && t !== a && t !== b);
    const voided = (await (
      await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions/${d?.bankTransactionId}/void`)
    ).json()) as Truth;
    expect(voided.Status).toBe('VOIDED');
    expect(voided.History.map((h) => h.Changes)).toContain('Voided');

    const ids = await changedSince(since);
    expect(ids.sort()).toEqual(
      [
        createdBody.BankTransactionID,
        a?.bankTransactionId,
        b?.bankTransactionId,
        c?.bankTransactionId,
        d?.bankTransactionId,
      ].sort(),
    );
    expect(await changedSince(sandbox.clock.now() + 1000)).toEqual([]);
  });

  it('validates control bodies with clear messages', async () => {
    const response = await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions`, { lineItems: [] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('contactName');
    const badAccount = await control(sandbox, 'POST', `/orgs/${tenantId}/bank-transactions`, {
      contactName: 'x',
      lineItems: [{ amount: 1, accountCode: 'NOPE' }],
    });
    expect(badAccount.status).toBe(400);
    expect((await control(sandbox, 'POST', '/clock', { advanceMs: 'soon' })).status).toBe(400);
  });

  it('lists orgs with tenantIds, shortCodes and accounts; ground truth includes deleted transactions', async () => {
    const orgs = (await (await control(sandbox, 'GET', '/orgs')).json()) as {
      tenantId: string;
      shortCode: string;
      accounts: unknown[];
    }[];
    expect(orgs).toHaveLength(3);
    expect(orgs.every((o) => /^![A-Za-z0-9!-]{5}$/.test(o.shortCode) && o.accounts.length > 20)).toBe(true);
    const truth = (await (
      await control(sandbox, 'GET', `/orgs/${tenantId}/bank-transactions`)
    ).json()) as Truth[];
    expect(truth.some((t) => t.Status === 'DELETED')).toBe(true);
    expect(truth.length).toBe(sandbox.state.organisation(tenantId)?.transactions.length);
  });

  it('advances and sets the clock', async () => {
    const before = sandbox.clock.now();
    const advanced = (await (await control(sandbox, 'POST', '/clock', { advanceMs: 3_600_000 })).json()) as {
      now: number;
    };
    expect(advanced.now - before).toBeGreaterThanOrEqual(3_600_000);
    const set = (await (
      await control(sandbox, 'POST', '/clock', { set: '2030-01-01T00:00:00Z' })
    ).json()) as { now: number };
    expect(Math.abs(set.now - Date.UTC(2030, 0, 1))).toBeLessThan(1000);
    token = (await mint(sandbox)).access_token;
  });

  it('reset regenerates the data and forgets connections', async () => {
    const reset = await control(sandbox, 'POST', '/reset', { seed: 7, scale: 50 });
    expect(await reset.json()).toEqual({ seed: 7, scale: 50 });
    expect(sandbox.state.organisations[0]?.transactions).toHaveLength(50);
    expect((await api(sandbox, token, tenantIds(sandbox)[0], 'Organisation')).status).toBe(403);
  });
});

describe('demo data', () => {
  const anchor = Date.UTC(2026, 10, 25, 13, 0, 0);

  it('is the same for the same seed (and the same day), different for another seed', () => {
    const a = generateWorld(3, 200, anchor);
    const b = generateWorld(3, 200, anchor + 3 * 3600 * 1000);
    const c = generateWorld(4, 200, anchor);
    const strip = (world: typeof a) =>
      JSON.stringify(
        world.organisations.map((o) => ({
          ...o,
          accountsById: 0,
          transactionsById: 0,
          attachments: [...o.attachments.keys()],
        })),
      );
    expect(strip(a)).toBe(strip(b));
    expect(strip(a)).not.toBe(strip(c));
  });

  it('two sandboxes with the same seed serve the same transactions', async () => {
    const now = () => anchor;
    const [x, y] = await Promise.all([
      start({ seed: 9, scale: 50, now }),
      start({ seed: 9, scale: 50, now }),
    ]);
    try {
      const fetchAll = async (s: Sandbox) => {
        const t = await mint(s);
        const body = await (await api(s, t.access_token, tenantIds(s)[1], 'BankTransactions?page=1')).json();
        return JSON.stringify((body as { BankTransactions: unknown[] }).BankTransactions);
      };
      expect(await fetchAll(x)).toBe(await fetchAll(y));
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  it('generates 50,000 transactions per organisation in a couple of seconds', () => {
    const started = performance.now();
    const world = generateWorld(1, 50_000, anchor);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(world.organisations.every((o) => o.transactions.length === 50_000)).toBe(true);
  });

  it('has the mix the product needs: uncategorised share, statuses, types, attachments, multi-line, hostile text, 120+ days', () => {
    const world = generateWorld(1, 2000, anchor);
    const org = world.organisations[0];
    if (!org) throw new Error('no org');
    const names = new Map(org.accounts.map((a) => [a.accountId, a.name]));
    const parked = new Set([
      'Uncategorized Expense',
      'Uncategorized Income',
      'Suspense',
      'Ask My Accountant',
      'Push to Client Hub',
    ]);
    const moneyTx = org.transactions.filter((t) => t.type === 'SPEND' || t.type === 'RECEIVE');
    const parkedShare =
      moneyTx.filter((t) => t.lineItems.some((l) => parked.has(names.get(l.accountId) ?? ''))).length /
      moneyTx.length;
    expect(parkedShare).toBeGreaterThan(0.15);
    expect(parkedShare).toBeLessThan(0.25);
    expect(new Set(org.transactions.map((t) => t.status))).toEqual(
      new Set(['AUTHORISED', 'DELETED', 'VOIDED']),
    );
    expect(new Set(org.transactions.map((t) => t.type)).size).toBe(8);
    expect(org.transactions.some((t) => t.isReconciled)).toBe(true);
    expect(org.attachments.size).toBeGreaterThan(50);
    expect(org.transactions.some((t) => new Set(t.lineItems.map((l) => l.accountId)).size > 1)).toBe(true);
    const bankNames = new Set(org.transactions.map((t) => names.get(t.bankAccountId)));
    expect(bankNames).toEqual(
      new Set(['Business Cheque Account', 'Business Savings Account', 'Business Credit Card']),
    );
    const contacts = org.transactions.map((t) => t.contact.name);
    expect(contacts).toContain('<img src=x onerror=alert(1)>');
    expect(contacts.some((n) => n.length === 255)).toBe(true);
    expect(org.transactions.some((t) => t.lineItems.some((l) => l.description.length === 300))).toBe(true);
    expect(contacts.some((n) => /[\u0590-\u05FF]/.test(n))).toBe(true);
    const days =
      (Math.max(...org.transactions.map((t) => t.date)) - Math.min(...org.transactions.map((t) => t.date))) /
      86_400_000;
    expect(days).toBeGreaterThanOrEqual(120);
    expect(org.transactions.every((t) => totalsOf(t).total > 0)).toBe(true);
    const countries = world.organisations.map((o) => o.organisation.countryCode);
    expect(new Set(countries).size).toBe(3);
  });
});
