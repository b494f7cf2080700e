import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as xero from 'xero-node';
import { type Account, BankTransactions, HistoryRecords, type Organisation, XeroClient } from 'xero-node';
import type { Sandbox } from '../../sandbox/server.ts';
import { control, mint, start, tenantIds } from './helpers.ts';

/**
 * Xero's official Node SDK (xero-node) driving the sandbox exactly as an app would drive api.xero.com:
 * the only changes are the Accounting API's base path and, for the identity calls the SDK hard-codes
 * (`https://api.xero.com/connections`), an axios interceptor on the SDK's own axios that sends them
 * to the sandbox instead. Everything else (headers, query strings, serialisation, deserialisation,
 * error wrapping) is the SDK's own code.
 */

interface AxiosLike {
  interceptors: {
    request: {
      use(onFulfilled: (config: { url?: string }) => { url?: string }): number;
      eject(id: number): void;
    };
  };
}
// The axios instance xero-node itself requires (CommonJS), so the interceptor sees the SDK's calls.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('xero-node'));
const sdkAxios = sdkRequire('axios') as AxiosLike;
const XERO_API_ORIGIN = 'https://api.xero.com';

/** What xero-node rejects with on an HTTP error: a JSON string of `{response: {statusCode, body, headers}}`. */
interface SdkError {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

async function sdkError(call: Promise<unknown>): Promise<SdkError> {
  let rejection: unknown;
  try {
    await call;
  } catch (error) {
    rejection = error;
  }
  if (rejection === undefined) throw new Error('expected the SDK call to fail');
  expect(typeof rejection).toBe('string');
  return (JSON.parse(rejection as string) as { response: SdkError }).response;
}

/** The SDK types BankTransaction.Date as a string but turns `/Date(…)/` strings into Date objects. */
function timeOf(value: unknown): number {
  expect(value).toBeInstanceOf(Date);
  return (value as Date).getTime();
}

type ModelClass = { getAttributeTypeMap(): { name: string; baseName: string; type: string }[] };
const sdkExports = xero as unknown as Record<string, unknown>;

/** The SDK's enum object for an attribute type such as `BankTransaction.TypeEnum` or `CurrencyCode`. */
function enumFor(type: string): Record<string, unknown> | undefined {
  const [owner = '', member] = type.split('.');
  const found = member
    ? (sdkExports[owner] as Record<string, unknown> | undefined)?.[member]
    : sdkExports[owner];
  if (!found || typeof found !== 'object') return undefined;
  return found as Record<string, unknown>;
}

/**
 * Walks a deserialised SDK model and lists every enum value the SDK does not know (Xero's SDK types
 * every Type, Status, Class, currency…): our JSON must only use values real Xero can send.
 */
function unknownEnumValues(value: unknown, modelName: string, path = modelName): string[] {
  if (value === undefined || value === null) return [];
  const model = sdkExports[modelName] as ModelClass | undefined;
  if (typeof model?.getAttributeTypeMap !== 'function') return [];
  const problems: string[] = [];
  for (const attribute of model.getAttributeTypeMap()) {
    const field = (value as Record<string, unknown>)[attribute.name];
    if (field === undefined || field === null) continue;
    const arrayOf = /^Array<(.+)>$/.exec(attribute.type)?.[1];
    if (arrayOf) {
      (field as unknown[]).forEach((item, index) => {
        problems.push(...unknownEnumValues(item, arrayOf, `${path}.${attribute.baseName}[${index}]`));
      });
      continue;
    }
    const values = enumFor(attribute.type);
    if (
      values &&
      typeof (sdkExports[attribute.type] as ModelClass | undefined)?.getAttributeTypeMap !== 'function'
    ) {
      if (!Object.values(values).includes(field)) {
        problems.push(`${path}.${attribute.baseName} = ${JSON.stringify(field)} (${attribute.type})`);
      }
      continue;
    }
    problems.push(...unknownEnumValues(field, attribute.type, `${path}.${attribute.baseName}`));
  }
  return problems;
}

let sandbox: Sandbox;
let client: XeroClient;
let tenantId: string;
let interceptor: number;

async function signIn(): Promise<void> {
  const minted = await mint(sandbox);
  // The token set exactly as /connect/token returned it (xero-node wraps it in openid-client's TokenSet).
  client.setTokenSet({
    access_token: minted.access_token,
    refresh_token: minted.refresh_token,
    id_token: minted.id_token,
    expires_in: minted.expires_in,
    token_type: 'Bearer',
    scope: minted.scope,
  });
}

beforeAll(async () => {
  sandbox = await start({ scale: 300, limits: { perMinute: 100_000, perDay: 100_000 } });
  [tenantId = ''] = tenantIds(sandbox);
  interceptor = sdkAxios.interceptors.request.use((config) => {
    if (config.url?.startsWith(`${XERO_API_ORIGIN}/connections`)) {
      config.url = sandbox.url + config.url.slice(XERO_API_ORIGIN.length);
    }
    return config;
  });
  client = new XeroClient();
  client.accountingApi.basePath = `${sandbox.url}/api.xro/2.0`;
  await signIn();
});
afterAll(async () => {
  sdkAxios.interceptors.request.eject(interceptor);
  await sandbox.close();
});

const data = () => {
  const organisation = sandbox.state.organisation(tenantId);
  if (!organisation) throw new Error('no organisation');
  return organisation;
};

describe('identity through xero-node', () => {
  it('updateTenants() reads /connections and joins each tenant to its Organisation', async () => {
    const tenants = (await client.updateTenants()) as {
      id: string;
      tenantId: string;
      tenantType: string;
      tenantName: string;
      updatedDateUtc: string;
      orgData: Organisation;
    }[];
    expect(tenants.map((t) => t.tenantId).sort()).toEqual([...tenantIds(sandbox)].sort());
    for (const tenant of tenants) {
      expect(tenant.tenantType).toBe('ORGANISATION');
      expect(Number.isNaN(new Date(tenant.updatedDateUtc).getTime())).toBe(false);
      // The SDK matches Organisation.OrganisationID to the connection's tenantId.
      expect(tenant.orgData?.organisationID).toBe(tenant.tenantId);
      expect(tenant.orgData?.name).toBe(tenant.tenantName);
    }
    expect(client.tenants).toHaveLength(3);
  });
});

describe('Accounting API through xero-node', () => {
  it('the enum check itself flags values the SDK does not know', () => {
    expect(
      unknownEnumValues(
        { type: 'SPEND-MONEY', status: 'AUTHORISED', lineItems: [{ taxability: 'SOMETIMES' }] },
        'BankTransaction',
      ),
    ).toEqual([
      'BankTransaction.Type = "SPEND-MONEY" (BankTransaction.TypeEnum)',
      'BankTransaction.LineItems[0].Taxability = "SOMETIMES" (LineItem.TaxabilityEnum)',
    ]);
  });

  it('getOrganisations: fields, enums and dates deserialise', async () => {
    const { body, response } = await client.accountingApi.getOrganisations(tenantId);
    expect(response.status).toBe(200);
    const [organisation] = body.organisations ?? [];
    const truth = data().organisation;
    expect(organisation?.organisationID).toBe(truth.tenantId);
    expect(organisation?.name).toBe(truth.name);
    expect(organisation?.shortCode).toBe(truth.shortCode);
    expect(String(organisation?.baseCurrency)).toBe(truth.baseCurrency);
    expect(String(organisation?.countryCode)).toBe(truth.countryCode);
    expect(organisation?.createdDateUTC).toBeInstanceOf(Date);
    expect(organisation?.createdDateUTC?.getTime()).toBe(truth.createdAt);
    expect(unknownEnumValues(organisation, 'Organisation')).toEqual([]);
  });

  it('getAccounts with where and order: enums, numbers and dates deserialise', async () => {
    const { body } = await client.accountingApi.getAccounts(
      tenantId,
      undefined,
      'Type=="BANK" AND Status=="ACTIVE"',
      'Name DESC',
    );
    const accounts = body.accounts ?? [];
    const truth = data()
      .accounts.filter((a) => a.type === 'BANK' && a.status === 'ACTIVE')
      .sort((a, b) => (a.name < b.name ? 1 : -1));
    expect(accounts.map((a) => a.accountID)).toEqual(truth.map((a) => a.accountId));
    for (const account of accounts) {
      const expected = data().accountsById.get(account.accountID ?? '');
      expect(String(account.type)).toBe('BANK');
      expect(String(account._class)).toBe(expected?.accountClass);
      expect(String(account.bankAccountType)).toBe(expected?.bankAccountType);
      expect(account.updatedDateUTC).toBeInstanceOf(Date);
      expect(account.updatedDateUTC?.getTime()).toBe(expected?.updatedAt);
    }
    const all = (await client.accountingApi.getAccounts(tenantId)).body.accounts ?? [];
    expect(all).toHaveLength(data().accounts.length);
    expect(all.flatMap((account) => unknownEnumValues(account, 'Account'))).toEqual([]);
    const classes = new Set(all.map((a: Account) => String(a._class)));
    expect([...classes].sort()).toEqual(['ASSET', 'EQUITY', 'EXPENSE', 'LIABILITY', 'REVENUE']);
  });

  it('getBankTransactions with where, order, page and pageSize: pagination, line items, dates, enums', async () => {
    const where = 'Type=="SPEND" AND Status=="AUTHORISED"';
    const first = await client.accountingApi.getBankTransactions(
      tenantId,
      undefined,
      where,
      'Date DESC',
      1,
      undefined,
      7,
    );
    const truth = data()
      .transactions.filter((t) => t.type === 'SPEND' && t.status === 'AUTHORISED')
      .sort((a, b) => b.date - a.date || (a.bankTransactionId < b.bankTransactionId ? -1 : 1));
    expect(first.body.pagination).toEqual({
      page: 1,
      pageSize: 7,
      pageCount: Math.ceil(truth.length / 7),
      itemCount: truth.length,
    });
    const second = await client.accountingApi.getBankTransactions(
      tenantId,
      undefined,
      where,
      'Date DESC',
      2,
      undefined,
      7,
    );
    const listed = [...(first.body.bankTransactions ?? []), ...(second.body.bankTransactions ?? [])];
    expect(listed.map((t) => t.bankTransactionID)).toEqual(
      truth.slice(0, 14).map((t) => t.bankTransactionId),
    );
    for (const transaction of listed) {
      const expected = data().transactionsById.get(transaction.bankTransactionID ?? '');
      expect(String(transaction.type)).toBe('SPEND');
      expect(String(transaction.status)).toBe('AUTHORISED');
      expect(timeOf(transaction.date)).toBe(expected?.date);
      expect(transaction.updatedDateUTC).toBeInstanceOf(Date);
      expect(transaction.updatedDateUTC?.getTime()).toBe(expected?.updatedAt);
      expect(transaction.lineItems?.length).toBe(expected?.lineItems.length);
      const lines = transaction.lineItems ?? [];
      expect(typeof transaction.total).toBe('number');
      const sum = lines.reduce((total, line) => total + (line.lineAmount ?? 0), 0);
      expect(transaction.subTotal).toBeCloseTo(
        String(transaction.lineAmountTypes) === 'Inclusive' ? sum - (transaction.totalTax ?? 0) : sum,
        2,
      );
      for (const line of lines) {
        expect(typeof line.quantity).toBe('number');
        expect(typeof line.unitAmount).toBe('number');
        expect(typeof line.taxAmount).toBe('number');
        expect(line.lineItemID).toMatch(/^[0-9a-f-]{36}$/);
        expect(line.accountID).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(transaction.bankAccount?.accountID).toBe(expected?.bankAccountId);
      expect(transaction.contact?.name).toBe(expected?.contact.name);
      expect(typeof transaction.isReconciled).toBe('boolean');
      expect(typeof transaction.hasAttachments).toBe('boolean');
    }
    const unpaged = await client.accountingApi.getBankTransactions(tenantId);
    const everything = unpaged.body.bankTransactions ?? [];
    expect(everything).toHaveLength(data().transactions.length);
    expect(unpaged.body.pagination).toBeUndefined();
    expect(everything.every((t) => t.lineItems === undefined)).toBe(true);
    expect(everything.flatMap((t) => unknownEnumValues(t, 'BankTransaction'))).toEqual([]);
    const types = new Set(everything.map((t) => String(t.type)));
    expect(types.size).toBeGreaterThanOrEqual(4);
  });

  it('getBankTransactions with If-Modified-Since as the SDK sends it (a Date → ISO string)', async () => {
    sandbox.clock.advance(60_000);
    const cutOff = new Date(sandbox.clock.now());
    const target = data().transactions.find((t) => t.status === 'AUTHORISED' && t.lineItems.length === 1);
    const edited = await control(
      sandbox,
      'PATCH',
      `/orgs/${tenantId}/bank-transactions/${target?.bankTransactionId}`,
      { reference: 'Changed in Xero' },
    );
    expect(edited.status).toBe(200);
    const { body, response } = await client.accountingApi.getBankTransactions(tenantId, cutOff);
    expect(response.config.headers?.['If-Modified-Since']).toBe(cutOff.toISOString());
    expect(body.bankTransactions?.map((t) => t.bankTransactionID)).toEqual([target?.bankTransactionId]);
    expect(body.bankTransactions?.[0]?.reference).toBe('Changed in Xero');
    const accounts = await client.accountingApi.getAccounts(tenantId, cutOff);
    expect(accounts.body.accounts).toEqual([]);
  });

  it('getBankTransaction includes line items; an unknown id is the 404 plain text', async () => {
    const truth = data().transactions.find((t) => t.lineItems.length > 1);
    const { body } = await client.accountingApi.getBankTransaction(tenantId, truth?.bankTransactionId ?? '');
    const [transaction] = body.bankTransactions ?? [];
    expect(transaction?.lineItems?.map((line) => line.lineItemID)).toEqual(
      truth?.lineItems.map((line) => line.lineItemId),
    );
    expect(transaction?.lineItems?.map((line) => line.lineAmount)).toEqual(
      truth?.lineItems.map((line) => line.lineAmount),
    );
    const missing = await sdkError(
      client.accountingApi.getBankTransaction(tenantId, '00000000-0000-0000-0000-000000000000'),
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toBe("The resource you're looking for cannot be found");
  });

  it('updateBankTransaction: a fetched transaction sent back with a change is saved', async () => {
    const truth = data().transactions.find(
      (t) => t.status === 'AUTHORISED' && t.type === 'SPEND' && t.lineItems.length === 1,
    );
    const id = truth?.bankTransactionId ?? '';
    const [fetched] =
      (await client.accountingApi.getBankTransaction(tenantId, id)).body.bankTransactions ?? [];
    if (!fetched) throw new Error('not fetched');
    const recodeTo = data().accounts.find(
      (a) =>
        a.accountClass === 'EXPENSE' &&
        a.status === 'ACTIVE' &&
        a.accountId !== truth?.lineItems[0]?.accountId,
    );
    sandbox.clock.advance(2000);
    // As an app does: change the fetched object and post it back whole (totals, dates, ids and all).
    fetched.reference = 'Recoded by xero-node';
    const [line] = fetched.lineItems ?? [];
    if (!line) throw new Error('no line');
    line.accountCode = recodeTo?.code;
    line.accountID = undefined;
    const bankTransactions = new BankTransactions();
    bankTransactions.bankTransactions = [fetched];
    const { body, response } = await client.accountingApi.updateBankTransaction(
      tenantId,
      id,
      bankTransactions,
      undefined,
      'xero-node-update-1',
    );
    expect(response.status).toBe(200);
    const [saved] = body.bankTransactions ?? [];
    expect(saved?.reference).toBe('Recoded by xero-node');
    expect(saved?.lineItems?.[0]?.accountID).toBe(recodeTo?.accountId);
    expect(saved?.lineItems?.[0]?.lineItemID).toBe(line.lineItemID);
    expect(saved?.total).toBe(fetched.total);
    expect(timeOf(saved?.date)).toBe(truth?.date);
    expect(saved?.updatedDateUTC?.getTime()).toBe(truth?.updatedAt);
    expect(saved?.updatedDateUTC?.getTime()).toBeGreaterThan(fetched.updatedDateUTC?.getTime() ?? 0);
    expect(truth?.reference).toBe('Recoded by xero-node');
    expect(truth?.lineItems[0]?.accountId).toBe(recodeTo?.accountId);
  });

  it('updateBankTransaction: an invalid change surfaces Xero ValidationException to the caller', async () => {
    const truth = data().transactions.find(
      (t) => t.status === 'AUTHORISED' && t.lineItems.length === 1 && !t.isReconciled,
    );
    const id = truth?.bankTransactionId ?? '';
    const before = JSON.stringify(truth);
    const [fetched] =
      (await client.accountingApi.getBankTransaction(tenantId, id)).body.bankTransactions ?? [];
    if (!fetched) throw new Error('not fetched');
    fetched.subTotal = (fetched.subTotal ?? 0) + 1;
    const bankTransactions = new BankTransactions();
    bankTransactions.bankTransactions = [fetched];
    const error = await sdkError(client.accountingApi.updateBankTransaction(tenantId, id, bankTransactions));
    expect(error.statusCode).toBe(400);
    const body = error.body as {
      ErrorNumber: number;
      Type: string;
      Elements: { ValidationErrors: { Message: string }[] }[];
    };
    expect(body.ErrorNumber).toBe(10);
    expect(body.Type).toBe('ValidationException');
    expect(body.Elements[0]?.ValidationErrors.map((e) => e.Message)).toEqual([
      'The document sub total does not equal the sub total of the lines.',
    ]);
    expect(JSON.stringify(truth)).toBe(before);
  });

  it('attachments: create by file name (Buffer and stream), list, and read the bytes back', async () => {
    const truth = data().transactions.find(
      (t) => t.status === 'AUTHORISED' && !data().attachments.has(t.bankTransactionId),
    );
    const id = truth?.bankTransactionId ?? '';
    const pdf = Buffer.from('%PDF-1.4 xero-node receipt\n%%EOF\n');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const created = await client.accountingApi.createBankTransactionAttachmentByFileName(
      tenantId,
      id,
      'receipt 1.pdf',
      pdf,
    );
    const [attachment] = created.body.attachments ?? [];
    expect(attachment?.fileName).toBe('receipt 1.pdf');
    expect(attachment?.mimeType).toBe('application/pdf');
    expect(attachment?.contentLength).toBe(pdf.byteLength);
    expect(attachment?.attachmentID).toMatch(/^[0-9a-f-]{36}$/);
    await client.accountingApi.createBankTransactionAttachmentByFileName(
      tenantId,
      id,
      'photo.png',
      Readable.from([png.subarray(0, 5), png.subarray(5)]),
    );
    const listed = (await client.accountingApi.getBankTransactionAttachments(tenantId, id)).body;
    expect(listed.attachments?.map((a) => [a.fileName, a.mimeType, a.contentLength])).toEqual([
      ['receipt 1.pdf', 'application/pdf', pdf.byteLength],
      ['photo.png', 'image/png', png.byteLength],
    ]);
    const bytes = await client.accountingApi.getBankTransactionAttachmentByFileName(
      tenantId,
      id,
      'photo.png',
      'image/png',
    );
    expect(Buffer.isBuffer(bytes.body)).toBe(true);
    expect(Buffer.compare(bytes.body, png)).toBe(0);
    const pdfBytes = await client.accountingApi.getBankTransactionAttachmentById(
      tenantId,
      id,
      attachment?.attachmentID ?? '',
      'application/pdf',
    );
    expect(Buffer.compare(pdfBytes.body, pdf)).toBe(0);
    const [transaction] =
      (await client.accountingApi.getBankTransaction(tenantId, id)).body.bankTransactions ?? [];
    expect(transaction?.hasAttachments).toBe(true);
  });

  it('history: read records (dates as Date) and add a note; an over-long note is a ValidationException', async () => {
    const truth = data().transactions.find((t) => t.status === 'AUTHORISED');
    const id = truth?.bankTransactionId ?? '';
    const before =
      (await client.accountingApi.getBankTransactionsHistory(tenantId, id)).body.historyRecords ?? [];
    expect(before.at(-1)?.changes).toBe('Created');
    expect(before.at(-1)?.dateUTC).toBeInstanceOf(Date);
    expect(before.at(-1)?.dateUTC?.getTime()).toBe(truth?.createdAt);
    sandbox.clock.advance(1000);
    const sent = sandbox.clock.now();
    const records = new HistoryRecords();
    records.historyRecords = [{ details: 'Asked the client for a receipt (xero-node)' }];
    const added = await client.accountingApi.createBankTransactionHistoryRecord(tenantId, id, records);
    expect(added.body.historyRecords?.[0]?.details).toBe('Asked the client for a receipt (xero-node)');
    expect(added.body.historyRecords?.[0]?.dateUTC?.getTime()).toBeGreaterThanOrEqual(sent);
    const after =
      (await client.accountingApi.getBankTransactionsHistory(tenantId, id)).body.historyRecords ?? [];
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]?.changes).toBe('Note');
    expect(after[0]?.user).toBeTruthy();
    const tooLong = new HistoryRecords();
    tooLong.historyRecords = [{ details: 'x'.repeat(251) }];
    const error = await sdkError(
      client.accountingApi.createBankTransactionHistoryRecord(tenantId, id, tooLong),
    );
    expect(error.statusCode).toBe(400);
    expect((error.body as { Type: string }).Type).toBe('ValidationException');
  });
});

describe('errors reach the SDK caller as from real Xero', () => {
  it('429 with Retry-After and X-Rate-Limit-Problem (fault injection)', async () => {
    const fault = await control(sandbox, 'POST', '/faults', {
      kind: 'rate-limit',
      count: 1,
      problem: 'minute',
      retryAfterSeconds: 42,
      pathPrefix: '/api.xro/2.0/BankTransactions',
    });
    expect(fault.status).toBeLessThan(300);
    const error = await sdkError(client.accountingApi.getBankTransactions(tenantId));
    expect(error.statusCode).toBe(429);
    expect(error.headers['retry-after']).toBe('42');
    expect(error.headers['x-rate-limit-problem']).toBe('minute');
    expect(error.headers['x-minlimit-remaining']).toBe('0');
    // The fault is used up: the next call succeeds.
    expect((await client.accountingApi.getBankTransactions(tenantId)).response.status).toBe(200);
  });

  it('403 AuthenticationUnsuccessful for a tenant the token is not connected to', async () => {
    const error = await sdkError(
      client.accountingApi.getOrganisations('00000000-0000-0000-0000-000000000001'),
    );
    expect(error.statusCode).toBe(403);
    expect(error.body).toMatchObject({
      Title: 'Forbidden',
      Status: 403,
      Detail: 'AuthenticationUnsuccessful',
    });
  });

  it('disconnect() deletes the connection (DELETE /connections/{id}); that tenant then answers 403', async () => {
    const tenants = (await client.updateTenants(false)) as { id: string; tenantId: string }[];
    const last = tenants.find((t) => t.tenantId !== tenantId);
    if (!last) throw new Error('no second tenant');
    await client.disconnect(last.id);
    const remaining = (await client.updateTenants(false)) as { tenantId: string }[];
    expect(remaining.map((t) => t.tenantId)).not.toContain(last.tenantId);
    const error = await sdkError(client.accountingApi.getOrganisations(last.tenantId));
    expect(error.statusCode).toBe(403);
    expect((await client.accountingApi.getOrganisations(tenantId)).response.status).toBe(200);
  });

  it('401 TokenExpired once the access token is 30 minutes old, then fine with a new token set', async () => {
    const faulted = await control(sandbox, 'POST', '/faults', { kind: 'token-expired', count: 1 });
    expect(faulted.status).toBeLessThan(300);
    const injected = await sdkError(client.accountingApi.getAccounts(tenantId));
    expect(injected.statusCode).toBe(401);
    expect((injected.body as { Detail: string }).Detail).toMatch(/^TokenExpired: token expired at /);

    sandbox.clock.advance(31 * 60 * 1000);
    const expired = await sdkError(client.accountingApi.getOrganisations(tenantId));
    expect(expired.statusCode).toBe(401);
    expect(expired.body).toMatchObject({ Title: 'Unauthorized', Status: 401 });
    expect((expired.body as { Detail: string }).Detail).toMatch(/^TokenExpired: /);
    // updateTenants() rejects with the (redacted) axios error itself, not the API classes' JSON string.
    const connections = await client.updateTenants(false).then(
      () => undefined,
      (error: { response?: { status: number; data: unknown } }) => error.response,
    );
    expect(connections?.status).toBe(401);
    expect(connections?.data).toMatchObject({ Title: 'Unauthorized', Status: 401 });

    await signIn();
    expect((await client.accountingApi.getOrganisations(tenantId)).response.status).toBe(200);
  });
});
