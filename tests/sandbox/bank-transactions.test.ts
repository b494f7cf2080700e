import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankTransaction } from '../../sandbox/data/model.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, mint, start, tenantIds } from './helpers.ts';

let sandbox: Sandbox;
let token: string;
let tenantId: string;
beforeAll(async () => {
  sandbox = await start({ scale: 400, limits: { perMinute: 100_000, perDay: 100_000 } });
  token = (await mint(sandbox)).access_token;
  [tenantId = ''] = tenantIds(sandbox);
});
afterAll(() => sandbox.close());

interface BankTransactionJson {
  BankTransactionID: string;
  Type: string;
  Status: string;
  Date: string;
  DateString: string;
  UpdatedDateUTC: string;
  Total: number;
  SubTotal: number;
  TotalTax: number;
  Contact: { Name: string };
  BankAccount: { AccountID: string };
  LineItems?: {
    LineItemID: string;
    AccountID: string;
    AccountCode: string;
    LineAmount: number;
    TaxAmount: number;
    Description: string;
  }[];
}
interface ListJson {
  BankTransactions: BankTransactionJson[];
  pagination?: { page: number; pageSize: number; pageCount: number; itemCount: number };
}

const truth = (): BankTransaction[] => sandbox.state.organisation(tenantId)?.transactions ?? [];
const msOf = (dotNet: string): number => Number(/\/Date\((\d+)/.exec(dotNet)?.[1]);

async function list(query: string, headers: Record<string, string> = {}): Promise<ListJson> {
  const response = await api(sandbox, token, tenantId, `BankTransactions${query}`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as ListJson;
}

describe('GET BankTransactions', () => {
  it('lists every status, without line items and without pagination unless paged', async () => {
    const body = (await list('')) as ListJson & Record<string, unknown>;
    expect(body).toMatchObject({
      Status: 'OK',
      ProviderName: expect.any(String),
      DateTimeUTC: expect.stringMatching(/^\/Date\(\d+\)\/$/),
    });
    expect(body.BankTransactions).toHaveLength(truth().length);
    expect(body.pagination).toBeUndefined();
    expect(body.BankTransactions.every((t) => t.LineItems === undefined)).toBe(true);
    expect(new Set(body.BankTransactions.map((t) => t.Status))).toEqual(
      new Set(['AUTHORISED', 'DELETED', 'VOIDED']),
    );
    const first = body.BankTransactions[0];
    expect(first?.Date).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    expect(first?.DateString).toMatch(/^\d{4}-\d\d-\d\dT00:00:00$/);
  });

  it('pages with line items; pageSize defaults to 100 and clamps at 1000', async () => {
    const paged = await list('?page=2');
    expect(paged.pagination).toEqual({
      page: 2,
      pageSize: 100,
      pageCount: Math.ceil(truth().length / 100),
      itemCount: truth().length,
    });
    expect(paged.BankTransactions).toHaveLength(100);
    expect(paged.BankTransactions.every((t) => (t.LineItems?.length ?? 0) > 0)).toBe(true);
    expect((await list('?page=1&pageSize=5000')).pagination?.pageSize).toBe(1000);
    const small = await list('?page=1&pageSize=7');
    expect(small.BankTransactions).toHaveLength(7);
    const beyond = await list('?page=999&pageSize=100');
    expect(beyond.BankTransactions).toHaveLength(0);
  });

  it('pages cover every record exactly once in a stable order', async () => {
    const ids: string[] = [];
    for (let page = 1; page <= 5; page++) {
      ids.push(
        ...(await list(`?page=${page}&pageSize=100&order=Date DESC`)).BankTransactions.map(
          (t) => t.BankTransactionID,
        ),
      );
    }
    expect(new Set(ids).size).toBe(truth().length);
  });

  it('filters with where: Type, Status, Date with DateTime, bank account GUID, Contact.Name methods, AND/OR/parentheses', async () => {
    const spend = await list(`?where=${encodeURIComponent('Type=="SPEND"')}`);
    expect(spend.BankTransactions.length).toBe(truth().filter((t) => t.type === 'SPEND').length);
    const cutOff = truth()[0]?.date ?? 0;
    const d = new Date(cutOff);
    const dateWhere = `Date>=DateTime(${d.getUTCFullYear()},${String(d.getUTCMonth() + 1).padStart(2, '0')},${String(d.getUTCDate()).padStart(2, '0')}) && Status != "DELETED"`;
    const dated = await list(`?where=${encodeURIComponent(dateWhere)}`);
    expect(dated.BankTransactions.length).toBe(
      truth().filter((t) => t.date >= cutOff && t.status !== 'DELETED').length,
    );
    const bankAccountId = truth()[0]?.bankAccountId ?? '';
    const byAccount = await list(
      `?where=${encodeURIComponent(`BankAccount.AccountID==GUID("${bankAccountId.toUpperCase()}")`)}`,
    );
    expect(byAccount.BankTransactions.length).toBe(
      truth().filter((t) => t.bankAccountId === bankAccountId).length,
    );
    expect(byAccount.BankTransactions.every((t) => t.BankAccount.AccountID === bankAccountId)).toBe(true);
    const either = await list(
      `?where=${encodeURIComponent('(Type=="SPEND" OR Type=="RECEIVE") AND Status=="VOIDED"')}`,
    );
    expect(either.BankTransactions.length).toBe(
      truth().filter((t) => (t.type === 'SPEND' || t.type === 'RECEIVE') && t.status === 'VOIDED').length,
    );
    const contains = await list(`?where=${encodeURIComponent('Contact.Name.Contains("Power")')}`);
    expect(contains.BankTransactions.every((t) => t.Contact.Name.includes('Power'))).toBe(true);
    expect(contains.BankTransactions.length).toBe(
      truth().filter((t) => t.contact.name.includes('Power')).length,
    );
    const starts = await list(`?where=${encodeURIComponent('Contact.Name.StartsWith("Acme")')}`);
    expect(starts.BankTransactions.length).toBe(
      truth().filter((t) => t.contact.name.startsWith('Acme')).length,
    );
  });

  it('answers a where it cannot parse with 400 QueryParseException', async () => {
    for (const where of ['Type=="SPEND" AND', 'Nonsense=="x"', 'Date>="2020-01-01"', 'Type=="SPEND"))']) {
      const response = await api(
        sandbox,
        token,
        tenantId,
        `BankTransactions?where=${encodeURIComponent(where)}`,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        ErrorNumber: 16,
        Type: 'QueryParseException',
        Message: expect.any(String),
      });
    }
  });

  it('orders by one or more fields, ties broken by BankTransactionID', async () => {
    const { BankTransactions: items } = await list('?order=Date DESC, Total ASC');
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1];
      const b = items[i];
      if (!a || !b) continue;
      expect(msOf(a.Date)).toBeGreaterThanOrEqual(msOf(b.Date));
      if (a.Date === b.Date) {
        expect(a.Total <= b.Total).toBe(true);
        if (a.Total === b.Total) expect(a.BankTransactionID < b.BankTransactionID).toBe(true);
      }
    }
    const ascending = (await list('?order=UpdatedDateUTC ASC')).BankTransactions.map((t) =>
      msOf(t.UpdatedDateUTC),
    );
    expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
  });

  it('If-Modified-Since (HTTP date or ISO, second precision) returns records updated at or after it', async () => {
    const sorted = [...truth()].sort((a, b) => a.updatedAt - b.updatedAt);
    const pivot = sorted[Math.floor(sorted.length / 2)]?.updatedAt ?? 0;
    const second = Math.floor(pivot / 1000) * 1000;
    const expected = truth().filter((t) => Math.floor(t.updatedAt / 1000) * 1000 >= second).length;
    const http = await list('', { 'if-modified-since': new Date(pivot).toUTCString() });
    expect(http.BankTransactions.length).toBe(expected);
    const iso = await list('', { 'if-modified-since': new Date(pivot).toISOString().slice(0, 19) });
    expect(iso.BankTransactions.length).toBe(expected);
  });

  it('GET by id always includes line items; unknown id is a plain-text 404', async () => {
    const id = truth()[0]?.bankTransactionId ?? '';
    const one = await api(sandbox, token, tenantId, `BankTransactions/${id}`);
    const body = (await one.json()) as ListJson;
    expect(body.BankTransactions[0]?.LineItems?.length).toBeGreaterThan(0);
    const missing = await api(
      sandbox,
      token,
      tenantId,
      'BankTransactions/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/plain');
    expect(await missing.text()).toBe("The resource you're looking for cannot be found");
  });
});

describe('POST BankTransactions/{id}', () => {
  const accounts = () => sandbox.state.organisation(tenantId)?.accounts ?? [];
  const code = (name: string): string => accounts().find((a) => a.name === name)?.code ?? '';
  const editable = (): BankTransaction => {
    const found = truth().find(
      (t) =>
        t.status === 'AUTHORISED' &&
        !t.isReconciled &&
        t.type === 'SPEND' &&
        t.lineAmountTypes === 'Inclusive',
    );
    if (!found) throw new Error('no editable transaction');
    return found;
  };
  const post = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    api(sandbox, token, tenantId, `BankTransactions/${id}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('replaces all line items (omitted ones deleted), recomputes totals and bumps UpdatedDateUTC', async () => {
    const transaction = editable();
    const before = transaction.updatedAt;
    sandbox.clock.advance(2000);
    const response = await post(transaction.bankTransactionId, {
      BankTransactions: [
        {
          LineItems: [
            {
              Description: 'Paper',
              Quantity: 2,
              UnitAmount: 11.5,
              AccountCode: code('Printing & Stationery'),
            },
            { Description: 'Fuel', LineAmount: 40, AccountCode: code('Motor Vehicle Expenses') },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    const updated = ((await response.json()) as ListJson).BankTransactions[0];
    expect(updated?.LineItems?.map((l) => l.LineAmount)).toEqual([23, 40]);
    expect(updated?.Total).toBe(63);
    expect(updated?.TotalTax).toBe(8.22);
    expect(updated?.SubTotal).toBe(54.78);
    expect(msOf(updated?.UpdatedDateUTC ?? '')).toBeGreaterThan(before);
    const again = await post(transaction.bankTransactionId, {
      LineItems: [
        {
          LineItemID: updated?.LineItems?.[0]?.LineItemID,
          LineAmount: 23,
          AccountCode: code('General Expenses'),
        },
      ],
    });
    const kept = ((await again.json()) as ListJson).BankTransactions[0];
    expect(kept?.LineItems).toHaveLength(1);
    expect(kept?.LineItems?.[0]?.LineItemID).toBe(updated?.LineItems?.[0]?.LineItemID);
    expect(kept?.LineItems?.[0]?.Description).toBe('Paper');
  });

  it('refuses totals that disagree with the lines', async () => {
    const transaction = editable();
    const response = await post(transaction.bankTransactionId, {
      LineItems: [{ Description: 'x', LineAmount: 10, AccountCode: code('General Expenses') }],
      SubTotal: 10,
      Total: 10,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      Type: string;
      Elements: { ValidationErrors: { Message: string }[] }[];
    };
    expect(body.Type).toBe('ValidationException');
    expect(body.Elements[0]?.ValidationErrors.map((e) => e.Message)).toContain(
      'The document sub total does not equal the sub total of the lines.',
    );
  });

  it('refuses unknown and archived accounts, and deleted or voided transactions', async () => {
    const transaction = editable();
    const unknown = await post(transaction.bankTransactionId, {
      LineItems: [{ LineAmount: 5, AccountCode: 'NOPE' }],
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Account code 'NOPE' is not a valid code");
    const unknownId = await post(transaction.bankTransactionId, {
      LineItems: [{ LineAmount: 5, AccountID: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknownId.status).toBe(400);
    const archived = await post(transaction.bankTransactionId, {
      LineItems: [{ LineAmount: 5, AccountCode: code('Entertainment (old)') }],
    });
    expect(await archived.text()).toContain('archived');
    for (const status of ['DELETED', 'VOIDED']) {
      const gone = truth().find((t) => t.status === status);
      const response = await post(gone?.bankTransactionId ?? '', { Reference: 'x' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('ValidationException');
    }
  });

  it('applies an Idempotency-Key once and replays the first response', async () => {
    const transaction = editable();
    const history = () =>
      sandbox.state.organisation(tenantId)?.history.get(transaction.bankTransactionId)?.length ?? 0;
    const before = history();
    const body = { Reference: 'idem-1' };
    const first = await post(transaction.bankTransactionId, body, { 'idempotency-key': 'key-1' });
    sandbox.clock.advance(1000);
    const second = await post(transaction.bankTransactionId, body, { 'idempotency-key': 'key-1' });
    expect(await second.text()).toBe(await first.text());
    expect(history()).toBe(before + 1);
    const tooLong = await post(transaction.bankTransactionId, body, { 'idempotency-key': 'k'.repeat(129) });
    expect(tooLong.status).toBe(400);
  });
});

describe('errors', () => {
  it('401 for a missing or forged token, TokenExpired by the sandbox clock', async () => {
    const bad = await api(sandbox, 'not-a-token', tenantId, 'Organisation');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({
      Type: null,
      Title: 'Unauthorized',
      Status: 401,
      Detail: 'AuthenticationUnsuccessful',
    });
    const tokens = await mint(sandbox);
    sandbox.clock.advance(1801 * 1000);
    const expired = await api(sandbox, tokens.access_token, tenantId, 'Organisation');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { Detail: string }).Detail).toMatch(
      /^TokenExpired: token expired at \d\d\/\d\d\/\d{4} /,
    );
    token = (await mint(sandbox)).access_token;
  });

  it('403 without xero-tenant-id or for an organisation that is not connected', async () => {
    expect((await api(sandbox, token, undefined, 'Organisation')).status).toBe(403);
    expect((await api(sandbox, token, '00000000-0000-4000-8000-000000000000', 'Organisation')).status).toBe(
      403,
    );
  });

  it('406 when Accept rules out JSON', async () => {
    const response = await api(sandbox, token, tenantId, 'Organisation', {
      headers: { accept: 'application/xml' },
    });
    expect(response.status).toBe(406);
    expect(await response.text()).toContain('application/json');
  });

  it('401 AuthorizationUnsuccessful when the scope does not cover the call', async () => {
    const readOnly = await mint(sandbox, { scope: 'openid accounting.banktransactions.read' });
    expect((await api(sandbox, readOnly.access_token, tenantId, 'BankTransactions?page=1')).status).toBe(200);
    const write = await api(
      sandbox,
      readOnly.access_token,
      tenantId,
      `BankTransactions/${truth()[0]?.bankTransactionId}`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(write.status).toBe(401);
    expect(await write.json()).toMatchObject({ Detail: 'AuthorizationUnsuccessful' });
    expect((await api(sandbox, readOnly.access_token, tenantId, 'Accounts')).status).toBe(401);
  });

  it('sends no CORS headers, even to a preflight', async () => {
    const response = await fetch(`${sandbox.url}/api.xro/2.0/Organisation`, {
      method: 'OPTIONS',
      headers: { origin: 'https://go.xero.com', 'access-control-request-method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const get = await api(sandbox, token, tenantId, 'Organisation', {
      headers: { origin: 'https://go.xero.com' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Organisation and Accounts', () => {
  it('Organisation has the fields the product needs', async () => {
    const body = (await (await api(sandbox, token, tenantId, 'Organisation')).json()) as {
      Organisations: Record<string, unknown>[];
    };
    expect(body.Organisations[0]).toMatchObject({
      Name: 'Harbour Lane Cafe',
      ShortCode: expect.stringMatching(/^![A-Za-z0-9!-]{5}$/),
      BaseCurrency: 'NZD',
      CountryCode: 'NZ',
      Timezone: 'NEWZEALANDSTANDARDTIME',
      OrganisationID: tenantId,
    });
  });

  it('Accounts supports where and order and lists ARCHIVED ones', async () => {
    const all = (await (await api(sandbox, token, tenantId, 'Accounts')).json()) as {
      Accounts: Record<string, string>[];
    };
    const names = all.Accounts.map((a) => a.Name);
    for (const name of [
      'Uncategorized Expense',
      'Uncategorized Income',
      'Suspense',
      'Ask My Accountant',
      'Push to Client Hub',
    ]) {
      expect(names).toContain(name);
    }
    expect(all.Accounts.some((a) => a.Status === 'ARCHIVED')).toBe(true);
    expect(all.Accounts.some((a) => a.BankAccountType === 'CREDITCARD')).toBe(true);
    const banks = (await (
      await api(
        sandbox,
        token,
        tenantId,
        `Accounts?where=${encodeURIComponent('Type=="BANK"')}&order=Name DESC`,
      )
    ).json()) as { Accounts: Record<string, string>[] };
    expect(banks.Accounts.map((a) => a.Name)).toEqual([
      'Business Savings Account',
      'Business Credit Card',
      'Business Cheque Account',
    ]);
  });
});
