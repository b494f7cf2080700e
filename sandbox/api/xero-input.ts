import { z } from 'zod';

/** Xero accepts amounts as JSON numbers or numeric strings. */
export const money = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/** `/Date(1476316800000+0000)/`, `2026-08-27` or `2026-08-27T00:00:00`: returns midnight UTC of that day. */
export function parseXeroDate(value: string): number | undefined {
  const dotNet = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  const ms = dotNet
    ? Number(dotNet[1])
    : Date.parse(
        /^\d{4}-\d{2}-\d{2}$/.test(value)
          ? `${value}T00:00:00Z`
          : /Z|[+-]\d{2}:?\d{2}$/.test(value)
            ? value
            : `${value}Z`,
      );
  if (Number.isNaN(ms)) return undefined;
  const day = 24 * 60 * 60 * 1000;
  return Math.floor(ms / day) * day;
}

export const lineItemInput = z.looseObject({
  LineItemID: z.string().optional(),
  Description: z.string().optional(),
  Quantity: money.optional(),
  UnitAmount: money.optional(),
  LineAmount: money.optional(),
  TaxAmount: money.optional(),
  AccountCode: z.string().optional(),
  AccountID: z.string().optional(),
  TaxType: z.string().optional(),
  Tracking: z.array(z.unknown()).optional(),
});

export const bankTransactionInput = z.looseObject({
  BankTransactionID: z.string().optional(),
  Type: z.string().optional(),
  Contact: z.looseObject({ ContactID: z.string().optional(), Name: z.string().optional() }).optional(),
  BankAccount: z.looseObject({ AccountID: z.string().optional(), Code: z.string().optional() }).optional(),
  Date: z.string().optional(),
  Reference: z.string().optional(),
  IsReconciled: z.boolean().optional(),
  Status: z.string().optional(),
  LineAmountTypes: z.enum(['Exclusive', 'Inclusive', 'NoTax']).optional(),
  LineItems: z.array(lineItemInput).optional(),
  SubTotal: money.optional(),
  TotalTax: money.optional(),
  Total: money.optional(),
  CurrencyCode: z.string().optional(),
});

export type BankTransactionInput = z.infer<typeof bankTransactionInput>;

/** The SDKs send `{BankTransactions: [ … ]}`; a bare object is accepted too. */
export const bankTransactionUpdateBody = z.union([
  z.looseObject({ BankTransactions: z.array(bankTransactionInput).min(1) }),
  bankTransactionInput,
]);

export function firstBankTransaction(body: z.infer<typeof bankTransactionUpdateBody>): BankTransactionInput {
  if ('BankTransactions' in body && Array.isArray(body.BankTransactions)) {
    const [first] = body.BankTransactions as BankTransactionInput[];
    if (first) return first;
  }
  return body as BankTransactionInput;
}
