import { z } from 'zod';
import { parseXeroDate } from '../sync/xero-bank';

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
    UpdatedDateUTC: z.string().optional(),
  })
  .loose();

export const transactionEnvelopeSchema = z.object({
  BankTransactions: z.array(xeroTransactionSchema).min(1),
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
