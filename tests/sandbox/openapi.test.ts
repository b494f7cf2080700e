import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Sandbox } from '../../sandbox/server.ts';
import { api, mint, start, tenantIds } from './helpers.ts';

/**
 * Fidelity against Xero's own OpenAPI files: every JSON body the sandbox sends for the operations the
 * product uses must validate against the declared response schema, and every property name it emits
 * must exist in that schema (additionalProperties would let a typo through).
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const specDir = path.join(repoRoot, 'sandbox', 'openapi');

type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Schema> }>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, Schema> };
}

const accounting = parse(readFileSync(path.join(specDir, 'xero_accounting.yaml'), 'utf8')) as Spec;
const identity = parse(readFileSync(path.join(specDir, 'xero-identity.yaml'), 'utf8')) as Spec;

/**
 * Properties Xero really sends that the spec's schemas leave out (its own examples show them).
 * The envelope keys sit beside every collection; DateString and DateUTCString appear in the spec's examples.
 */
const ENVELOPE = new Set(['Id', 'Status', 'ProviderName', 'DateTimeUTC']);
const KNOWN_OMISSIONS: Record<string, Set<string>> = {
  BankTransaction: new Set(['DateString']),
  HistoryRecord: new Set(['DateUTCString']),
};

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const format of ['double', 'float', 'int32', 'int64', 'binary', 'byte']) ajv.addFormat(format, true);
  // Xero's identity service writes `2019-12-07T18:46:19.5165400`: no zone (the spec's own example).
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/);
  return ajv;
}

const ajv = makeAjv();
ajv.addSchema({ components: accounting.components }, 'accounting');
ajv.addSchema({ components: identity.components }, 'identity');

function resolve(spec: Spec, schema: Schema): { schema: Schema; name?: string } {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema };
  const name = ref.split('/').pop() ?? '';
  const target = ref.startsWith('#/components/responses/')
    ? spec.components.responses?.[name]
    : spec.components.schemas[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return { ...resolve(spec, target), name: ref.startsWith('#/components/schemas/') ? name : undefined };
}

/** The JSON schema an operation declares for a status, with its `$ref` pointing into the named document. */
function responseSchema(spec: Spec, doc: string, apiPath: string, method: string, status: string): Schema {
  const response = spec.paths[apiPath]?.[method]?.responses[status];
  if (!response) throw new Error(`${method} ${apiPath} declares no ${status}`);
  const resolved = resolve(spec, response).schema as { content?: Record<string, { schema: Schema }> };
  const schema = resolved.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${apiPath} ${status} has no JSON schema`);
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${doc}#/components/`)) as Schema;
}

type AjvError = NonNullable<ReturnType<Ajv['compile']>['errors']>[number];

function validate(
  schema: Schema,
  body: unknown,
  tolerated: (error: AjvError) => boolean = () => false,
): void {
  const check = ajv.compile(schema);
  check(body);
  expect((check.errors ?? []).filter((error) => !tolerated(error)).slice(0, 5)).toEqual([]);
}

/**
 * The spec marks LineItems `required` (a rule for requests); Xero leaves them out of unpaged lists,
 * which is the documented behaviour the product relies on. Only that one error is tolerated there.
 */
const missingLineItems = (error: AjvError): boolean =>
  error.keyword === 'required' &&
  (error.params as { missingProperty?: string }).missingProperty === 'LineItems';

/** Every property name in `body` must be declared by the schema it is validated against. */
function unknownProperties(spec: Spec, schema: Schema, body: unknown, at: string, top = false): string[] {
  const { schema: resolved, name } = resolve(spec, schema);
  if (Array.isArray(body)) {
    const items = resolved.items as Schema | undefined;
    return items ? body.flatMap((item, i) => unknownProperties(spec, items, item, `${at}[${i}]`)) : [];
  }
  if (typeof body !== 'object' || body === null) return [];
  const properties = resolved.properties as Record<string, Schema> | undefined;
  if (!properties) return [];
  return Object.entries(body).flatMap(([key, value]) => {
    const declared = properties[key];
    if (declared) return unknownProperties(spec, declared, value, `${at}.${key}`);
    if ((top && ENVELOPE.has(key)) || (name && KNOWN_OMISSIONS[name]?.has(key))) return [];
    return [`${at}.${key}`];
  });
}

let sandbox: Sandbox;
let token: string;
let tenantId: string;
let withAttachments: string;
beforeAll(async () => {
  sandbox = await start({ limits: { perMinute: 100_000, perDay: 100_000 } });
  token = (await mint(sandbox)).access_token;
  [tenantId = ''] = tenantIds(sandbox);
  withAttachments = [...(sandbox.state.organisation(tenantId)?.attachments.keys() ?? [])][0] ?? '';
});
afterAll(() => sandbox.close());

async function check(
  apiPath: string,
  method: string,
  status: string,
  response: Response,
  tolerated?: (error: AjvError) => boolean,
): Promise<void> {
  expect(response.status).toBe(Number(status));
  const body: unknown = await response.json();
  const schema = responseSchema(accounting, 'accounting', apiPath, method, status);
  validate(schema, body, tolerated);
  expect(unknownProperties(accounting, schema, body, '$', true)).toEqual([]);
}

describe('Accounting API responses match xero_accounting.yaml', () => {
  it('GET Organisation', async () => {
    await check('/Organisation', 'get', '200', await api(sandbox, token, tenantId, 'Organisation'));
  });

  it('GET Accounts', async () => {
    await check('/Accounts', 'get', '200', await api(sandbox, token, tenantId, 'Accounts'));
  });

  it('GET BankTransactions, paged and unpaged', async () => {
    await check(
      '/BankTransactions',
      'get',
      '200',
      await api(sandbox, token, tenantId, 'BankTransactions?page=1&pageSize=300'),
    );
    const unpaged = await api(sandbox, token, tenantId, 'BankTransactions');
    await check('/BankTransactions', 'get', '200', unpaged, missingLineItems);
  });

  it('GET BankTransactions/{id}', async () => {
    for (const transaction of sandbox.state.organisation(tenantId)?.transactions.slice(0, 40) ?? []) {
      await check(
        '/BankTransactions/{BankTransactionID}',
        'get',
        '200',
        await api(sandbox, token, tenantId, `BankTransactions/${transaction.bankTransactionId}`),
      );
    }
  });

  it('POST BankTransactions/{id}: 200 and the 400 error body', async () => {
    const id = sandbox.state
      .organisation(tenantId)
      ?.transactions.find((t) => t.status === 'AUTHORISED' && !t.isReconciled)?.bankTransactionId;
    const post = (body: unknown) =>
      api(sandbox, token, tenantId, `BankTransactions/${id}`, { method: 'POST', body: JSON.stringify(body) });
    await check('/BankTransactions/{BankTransactionID}', 'post', '200', await post({ Reference: 'checked' }));
    await check(
      '/BankTransactions/{BankTransactionID}',
      'post',
      '400',
      await post({ LineItems: [{ LineAmount: 1, AccountCode: 'NOPE' }] }),
    );
  });

  it('Attachments list and upload', async () => {
    await check(
      '/BankTransactions/{BankTransactionID}/Attachments',
      'get',
      '200',
      await api(sandbox, token, tenantId, `BankTransactions/${withAttachments}/Attachments`),
    );
    await check(
      '/BankTransactions/{BankTransactionID}/Attachments/{FileName}',
      'put',
      '200',
      await api(sandbox, token, tenantId, `BankTransactions/${withAttachments}/Attachments/new.txt`, {
        method: 'PUT',
        body: 'hello',
      }),
    );
  });

  it('History records, read and written', async () => {
    const put = await api(sandbox, token, tenantId, `BankTransactions/${withAttachments}/History`, {
      method: 'PUT',
      body: JSON.stringify({ HistoryRecords: [{ Details: 'Checked by the OpenAPI test' }] }),
    });
    await check('/BankTransactions/{BankTransactionID}/History', 'put', '200', put);
    await check(
      '/BankTransactions/{BankTransactionID}/History',
      'get',
      '200',
      await api(sandbox, token, tenantId, `BankTransactions/${withAttachments}/History`),
    );
  });

  it('a bad where is an Error body', async () => {
    const response = await api(
      sandbox,
      token,
      tenantId,
      `BankTransactions?where=${encodeURIComponent('Type==')}`,
    );
    expect(response.status).toBe(400);
    const body: unknown = await response.json();
    const schema = { $ref: 'accounting#/components/schemas/Error' };
    validate(schema, body);
    expect(unknownProperties(accounting, { $ref: '#/components/schemas/Error' }, body, '$')).toEqual([]);
  });
});

describe('identity responses match xero-identity.yaml', () => {
  it('GET /connections', async () => {
    const response = await fetch(`${sandbox.url}/connections`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body: unknown = await response.json();
    const schema = responseSchema(identity, 'identity', '/Connections', 'get', '200');
    validate(schema, body);
    expect((body as unknown[]).length).toBe(3);
    expect(unknownProperties(identity, schema, body, '$')).toEqual([]);
  });

  it('the property check itself catches a typo', () => {
    const schema = responseSchema(identity, 'identity', '/Connections', 'get', '200');
    expect(unknownProperties(identity, schema, [{ id: 'x', tenantID: 'typo' }], '$')).toEqual([
      '$[0].tenantID',
    ]);
  });
});
