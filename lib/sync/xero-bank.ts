import { z } from 'zod';
import type { AccountRecord, BankTransactionRecord, QuarantineRecord } from './records';

/**
 * Reading Xero's /Accounts and /BankTransactions answers. The envelope is checked as a whole; each
 * record on its own, so one unreadable record is quarantined and the rest of the page still syncs.
 * Unknown fields pass (Xero adds fields); fields we rely on must be there.
 */

const DOT_NET_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** `/Date(1476316800000+0000)/` → epoch ms. The offset only says how Xero displayed it; ms is UTC. */
export function parseXeroDate(value: string): number | undefined {
  const match = DOT_NET_DATE.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Xero's DateString `2016-10-13T00:00:00` (or a bare date) → `2016-10-13`. */
export function parseDateString(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, m, d] = match;
  const check = new Date(`${y}-${m}-${d}T00:00:00Z`);
  return Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== `${y}-${m}-${d}`
    ? undefined
    : `${y}-${m}-${d}`;
}

const xeroDateSchema = z.string().transform((value, ctx) => {
  const ms = parseXeroDate(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a Xero date: ${value.slice(0, 40)}` });
    return z.NEVER;
  }
  return ms;
});

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

export const xeroLineItemSchema = z.object({
  Description: text,
  AccountID: z.string().nullish(),
  AccountCode: z.string().nullish(),
  LineAmount: z.number().nullish(),
});

export const xeroBankTransactionSchema = z.object({
  BankTransactionID: z.string().min(1),
  Type: z.string().min(1),
  Status: z.string().min(1),
  Contact: z.object({ ContactID: z.string().nullish(), Name: text }).nullish(),
  BankAccount: z.object({ AccountID: z.string().min(1), Code: text, Name: text }),
  Date: xeroDateSchema.optional(),
  DateString: z.string().optional(),
  Reference: text,
  IsReconciled: z.boolean().nullish(),
  HasAttachments: z.boolean().nullish(),
  LineItems: z.array(xeroLineItemSchema).optional(),
  Total: z.number(),
  CurrencyCode: text,
  UpdatedDateUTC: xeroDateSchema,
});
export type XeroBankTransaction = z.infer<typeof xeroBankTransactionSchema>;

export const xeroAccountSchema = z.object({
  AccountID: z.string().min(1),
  Code: text,
  Name: z.string(),
  Type: text,
  Class: text,
  Status: text,
  Description: z.string().nullish(),
  BankAccountType: z.string().nullish(),
  SystemAccount: z.string().nullish(),
  UpdatedDateUTC: xeroDateSchema.optional(),
});

export const paginationSchema = z.object({
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  itemCount: z.number().int(),
});

/** The envelope of a list answer; the records inside are checked one by one. */
export const bankTransactionsPageSchema = z.object({
  DateTimeUTC: xeroDateSchema.optional(),
  pagination: paginationSchema.optional(),
  BankTransactions: z.array(z.unknown()),
});
export const accountsEnvelopeSchema = z.object({
  DateTimeUTC: xeroDateSchema.optional(),
  Accounts: z.array(z.unknown()),
});

const RAW_SNIPPET_LIMIT = 500;

function snippet(raw: unknown): string {
  let textValue: string;
  try {
    textValue = JSON.stringify(raw) ?? String(raw);
  } catch {
    textValue = String(raw);
  }
  return textValue.length > RAW_SNIPPET_LIMIT ? `${textValue.slice(0, RAW_SNIPPET_LIMIT)}…` : textValue;
}

function idOf(raw: unknown, field: string, fallback: string): string {
  if (typeof raw === 'object' && raw !== null && field in raw) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length > 0) return value.toLowerCase();
  }
  return fallback;
}

/** "LineItems.0.LineAmount: expected number" style reason, short enough for the connection details. */
function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Unreadable record';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`.slice(0, 300);
}

export type Parsed<T> =
  | { ok: true; record: T }
  | { ok: false; quarantine: Omit<QuarantineRecord, 'tenantId' | 'at'> };

/** One /BankTransactions record → what we store, or a quarantine entry saying why not. */
export function readBankTransaction(
  raw: unknown,
  tenantId: string,
  position: string,
): Parsed<BankTransactionRecord> {
  const recordId = idOf(raw, 'BankTransactionID', position);
  const fail = (reason: string): Parsed<BankTransactionRecord> => ({
    ok: false,
    quarantine: { recordId, source: 'BankTransactions', reason, rawSnippet: snippet(raw) },
  });
  const parsed = xeroBankTransactionSchema.safeParse(raw);
  if (!parsed.success) return fail(reasonOf(parsed.error));
  const t = parsed.data;
  const date =
    (t.DateString !== undefined ? parseDateString(t.DateString) : undefined) ??
    (t.Date !== undefined ? new Date(t.Date).toISOString().slice(0, 10) : undefined);
  if (!date) return fail('Date: missing or unreadable');
  if (t.LineItems === undefined) return fail('LineItems: missing (needed to match monitored accounts)');
  const lineItems = t.LineItems.map((line) => ({
    accountId: line.AccountID ? line.AccountID.toLowerCase() : null,
    accountCode: line.AccountCode || null,
    lineAmount: line.LineAmount ?? 0,
    description: line.Description,
  }));
  return {
    ok: true,
    record: {
      tenantId,
      bankTransactionId: t.BankTransactionID.toLowerCase(),
      type: t.Type,
      status: t.Status,
      date,
      contactName: t.Contact?.Name ?? '',
      ...(t.Contact?.ContactID ? { contactId: t.Contact.ContactID.toLowerCase() } : {}),
      description: lineItems
        .map((line) => line.description.trim())
        .filter((d) => d.length > 0)
        .join('; '),
      reference: t.Reference,
      total: t.Total,
      currency: t.CurrencyCode,
      bankAccount: { id: t.BankAccount.AccountID.toLowerCase(), name: t.BankAccount.Name },
      lineItems,
      hasAttachments: t.HasAttachments ?? false,
      updatedDateUtc: t.UpdatedDateUTC,
      isReconciled: t.IsReconciled ?? false,
    },
  };
}

export function readAccount(raw: unknown, tenantId: string, position: string): Parsed<AccountRecord> {
  const parsed = xeroAccountSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      quarantine: {
        recordId: idOf(raw, 'AccountID', position),
        source: 'Accounts',
        reason: reasonOf(parsed.error),
        rawSnippet: snippet(raw),
      },
    };
  }
  const a = parsed.data;
  return {
    ok: true,
    record: {
      tenantId,
      accountId: a.AccountID.toLowerCase(),
      code: a.Code,
      name: a.Name,
      type: a.Type,
      accountClass: a.Class,
      status: a.Status,
      ...(a.Description ? { description: a.Description } : {}),
      isBankAccount: a.Type === 'BANK' || Boolean(a.BankAccountType),
      ...(a.SystemAccount ? { systemAccount: a.SystemAccount } : {}),
      ...(a.UpdatedDateUTC !== undefined ? { updatedAt: a.UpdatedDateUTC } : {}),
    },
  };
}

/** `If-Modified-Since` as Xero wants it: UTC, second precision, no zone suffix. */
export function modifiedSinceHeader(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

export type SyncedTypes = readonly ('SPEND' | 'RECEIVE')[];

function typeFilter(types: SyncedTypes): string {
  const parts = types.map((type) => `Type=="${type}"`);
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`;
}

/** `where` for the backfill: supported types, still authorised, dated on or after `fromDate`. */
export function backfillWhere(types: SyncedTypes, fromDate: string): string {
  const [y, m, d] = fromDate.split('-');
  return `${typeFilter(types)} AND Status=="AUTHORISED" AND Date>=DateTime(${y},${m},${d})`;
}

/** `where` for incremental sync: every status, any date (edits, deletions and voids must be seen). */
export function incrementalWhere(types: SyncedTypes): string {
  return typeFilter(types);
}
