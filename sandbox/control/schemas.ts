import { z } from 'zod';
import { HEADER_VARIANTS } from '../pages/chrome.ts';

/** Bodies of the control API (/__sandbox): validated here, at the boundary. */

export const resetBody = z.object({
  seed: z.number().int().nonnegative().optional(),
  scale: z.number().int().nonnegative().max(200_000).optional(),
});

export const tokensBody = z.object({
  email: z.string().optional(),
  tenantIds: z.array(z.string()).optional(),
  clientId: z.string().optional(),
  scope: z.string().optional(),
});

const accountRef = {
  accountCode: z.string().optional(),
  accountId: z.string().optional(),
};

export const lineItemBody = z.object({
  description: z.string().default(''),
  amount: z.number(),
  taxType: z.string().optional(),
  ...accountRef,
});

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

export const createBankTransactionBody = z.object({
  type: z
    .enum([
      'SPEND',
      'RECEIVE',
      'SPEND-TRANSFER',
      'RECEIVE-TRANSFER',
      'SPEND-PREPAYMENT',
      'RECEIVE-PREPAYMENT',
      'SPEND-OVERPAYMENT',
      'RECEIVE-OVERPAYMENT',
    ])
    .default('SPEND'),
  bankAccountCode: z.string().optional(),
  bankAccountId: z.string().optional(),
  contactName: z.string().min(1),
  date: isoDay.optional(),
  reference: z.string().default(''),
  lineAmountTypes: z.enum(['Exclusive', 'Inclusive', 'NoTax']).default('Inclusive'),
  isReconciled: z.boolean().default(false),
  lineItems: z.array(lineItemBody).min(1),
});

export const editBankTransactionBody = z
  .object({
    contactName: z.string().min(1).optional(),
    date: isoDay.optional(),
    reference: z.string().optional(),
    /** Sets the description of every line. */
    description: z.string().optional(),
    /** New amount of a single-line transaction. */
    amount: z.number().optional(),
    isReconciled: z.boolean().optional(),
    /** Moves lines (all, or those listed) to another account. */
    recategorise: z.object({ ...accountRef, lineItemIds: z.array(z.string()).optional() }).optional(),
    /** Replaces all lines. */
    lineItems: z.array(lineItemBody).min(1).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

export const clockBody = z.union([
  z.object({ advanceMs: z.number() }),
  z.object({ set: z.union([z.number(), z.string().datetime({ offset: true })]) }),
]);

export const limitsBody = z
  .object({
    concurrent: z.number().int().positive(),
    perMinute: z.number().int().nonnegative(),
    perDay: z.number().int().nonnegative(),
    appPerMinute: z.number().int().nonnegative(),
    attachmentMaxBytes: z.number().int().positive(),
    attachmentsPerDocument: z.number().int().positive(),
    historyNoteMaxLength: z.number().int().positive(),
  })
  .partial();

export const faultBody = z
  .object({
    kind: z.enum([
      'rate-limit',
      'server-error',
      'org-offline',
      'maintenance',
      'slow',
      'malformed-json',
      'drop',
      'token-expired',
    ]),
    count: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
    tenantId: z.string().optional(),
    pathPrefix: z.string().optional(),
    delayMs: z.number().int().nonnegative().max(120_000).optional(),
    problem: z.enum(['minute', 'day']).optional(),
    retryAfterSeconds: z.number().int().positive().optional(),
  })
  .refine(
    (body) => (body.count === undefined) !== (body.probability === undefined),
    'give exactly one of count or probability',
  );

export const userAccessBody = z.object({ email: z.string(), tenantId: z.string() });

export const revokeGrantsBody = z.object({ email: z.string(), clientId: z.string().optional() });

/** How the web pages look: which of Xero's headers (sandbox/pages/chrome.ts). */
export const pagesBody = z.object({ header: z.enum(HEADER_VARIANTS) });
