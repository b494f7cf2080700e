import { z } from 'zod';
import { parseXeroDate } from '../sync/xero-bank';
import type { TransactionShape } from './records';

/** Xero's answers the Client Tasks writes read: checked with zod, unknown fields kept (Xero adds some). */

export const xeroLineSchema = z
  .object({
    LineItemID: z.string().optional(),
    Description: z.string().nullish(),
    Quantity: z.number().nullish(),
    UnitAmount: z.number().nullish(),
    LineAmount: z.number().nullish(),
    TaxType: z.string().nullish(),
    TaxAmount: z.number().nullish(),
    AccountID: z.string().nullish(),
    AccountCode: z.string().nullish(),
    Tracking: z.array(z.unknown()).nullish(),
  })
  .loose();
export type XeroLine = z.infer<typeof xeroLineSchema>;

export const xeroTransactionSchema = z
  .object({
    BankTransactionID: z.string(),
    Status: z.string(),
    LineItems: z.array(xeroLineSchema),
    HasAttachments: z.boolean().nullish(),
    Total: z.number().nullish(),
    UpdatedDateUTC: z.string().optional(),
  })
  .loose();

export const transactionEnvelopeSchema = z.object({
  BankTransactions: z.array(xeroTransactionSchema).min(1),
});

/** GET …/History: only the notes' words matter here (Xero lists newest first). */
export const historyEnvelopeSchema = z.object({
  HistoryRecords: z.array(z.object({ Details: z.string().nullish() }).loose()),
});

export const xeroAttachmentSchema = z.object({
  AttachmentID: z.string(),
  FileName: z.string(),
  MimeType: z.string().nullish(),
  ContentLength: z.number().nullish(),
});
export const attachmentsEnvelopeSchema = z.object({ Attachments: z.array(xeroAttachmentSchema) });

export const readAttachment = (a: z.infer<typeof xeroAttachmentSchema>) => ({
  attachmentId: a.AttachmentID.toLowerCase(),
  fileName: a.FileName,
  mimeType: a.MimeType ?? 'application/octet-stream',
  contentLength: a.ContentLength ?? 0,
});

export const updatedAtOf = (value: string | undefined): number | null =>
  value === undefined ? null : (parseXeroDate(value) ?? null);

/**
 * The line items to POST back: ALL of them (Xero deletes lines left out), those coded to one of
 * `fromAccountIds` moved to `toAccountId`, amounts and tax types as Xero has them, and no document
 * totals (read-only; totals that disagree with the lines are refused).
 */
export function recodedLines(
  lines: readonly XeroLine[],
  fromAccountIds: ReadonlySet<string>,
  toAccountId: string,
): { lines: Record<string, unknown>[]; moved: number } {
  let moved = 0;
  const out = lines.map((line) => {
    const from = line.AccountID?.toLowerCase();
    const move = from !== undefined && fromAccountIds.has(from);
    if (move) moved++;
    const keep = <K extends keyof XeroLine>(key: K) =>
      line[key] !== undefined && line[key] !== null ? { [key]: line[key] } : {};
    return {
      ...keep('LineItemID'),
      ...keep('Description'),
      ...keep('Quantity'),
      ...keep('UnitAmount'),
      ...keep('LineAmount'),
      ...keep('TaxType'),
      ...keep('TaxAmount'),
      ...keep('Tracking'),
      ...(move
        ? { AccountID: toAccountId }
        : line.AccountID
          ? { AccountID: line.AccountID }
          : keep('AccountCode')),
    };
  });
  return { lines: out, moved };
}

/** The shape of a transaction that a recode depends on, from Xero's answer. */
export function shapeOf(transaction: {
  Total?: number | null;
  LineItems: readonly XeroLine[];
}): TransactionShape {
  const lines = transaction.LineItems.map((line) => ({
    accountId: line.AccountID ? line.AccountID.toLowerCase() : null,
    lineAmount: line.LineAmount ?? 0,
  }));
  const total = transaction.Total ?? lines.reduce((sum, line) => sum + line.lineAmount, 0);
  return { total, lines };
}

const lineKeys = (shape: TransactionShape) =>
  (shape.lines ?? []).map((l) => `${l.accountId ?? '-'}|${l.lineAmount.toFixed(2)}`).sort();

/** Same total and, when both know them, the same lines (account and amount, in any order). */
export function sameShape(expected: TransactionShape, now: TransactionShape): boolean {
  if (expected.total.toFixed(2) !== now.total.toFixed(2)) return false;
  if (!expected.lines || !now.lines) return true;
  const [a, b] = [lineKeys(expected), lineKeys(now)];
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/** The shape `expected` takes once its lines in `fromAccountIds` are moved to `toAccountId`. */
export function recodedShape(
  expected: TransactionShape,
  fromAccountIds: ReadonlySet<string>,
  toAccountId: string,
): TransactionShape {
  return {
    total: expected.total,
    ...(expected.lines
      ? {
          lines: expected.lines.map((line) =>
            line.accountId && fromAccountIds.has(line.accountId)
              ? { ...line, accountId: toAccountId.toLowerCase() }
              : line,
          ),
        }
      : {}),
  };
}
