import type { z } from 'zod';
import {
  applyBankTransactionUpdate,
  findAccount,
  findOrCreateContact,
  type UpdateOutcome,
} from '../api/bank-transaction-update.ts';
import type { BankTransactionInput } from '../api/xero-input.ts';
import type { SandboxContext } from '../context.ts';
import type { BankTransaction, LineItem, OrganisationData } from '../data/model.ts';
import { round2, taxFor } from '../data/model.ts';
import type { createBankTransactionBody, editBankTransactionBody, lineItemBody } from './schemas.ts';

/** Edits made "in Xero by a person": they go through the same rules as API updates, and bump UpdatedDateUTC. */
const PERSON = 'Demo Accountant';

function lineInput(line: z.infer<typeof lineItemBody>): LineInput {
  return {
    Description: line.description,
    LineAmount: line.amount,
    Quantity: 1,
    ...(line.accountId ? { AccountID: line.accountId } : { AccountCode: line.accountCode ?? '' }),
    ...(line.taxType ? { TaxType: line.taxType } : {}),
  };
}

type LineInput = NonNullable<BankTransactionInput['LineItems']>[number];

const keepLine = (line: LineItem): LineInput => ({
  LineItemID: line.lineItemId,
  Description: line.description,
  Quantity: line.quantity,
  UnitAmount: line.unitAmount,
  AccountID: line.accountId,
  TaxType: line.taxType,
  TaxAmount: line.taxAmount,
});

export function editBankTransaction(
  ctx: SandboxContext,
  data: OrganisationData,
  transaction: BankTransaction,
  edit: z.infer<typeof editBankTransactionBody>,
): UpdateOutcome {
  const input: BankTransactionInput = {};
  if (edit.contactName) input.Contact = { Name: edit.contactName };
  if (edit.date) input.Date = edit.date;
  if (edit.reference !== undefined) input.Reference = edit.reference;
  if (edit.isReconciled !== undefined) input.IsReconciled = edit.isReconciled;
  let lines: LineInput[] = transaction.lineItems.map(keepLine);
  let linesChanged = false;
  if (edit.lineItems) {
    input.LineItems = edit.lineItems.map(lineInput);
  } else {
    if (edit.recategorise) {
      const target = findAccount(data, edit.recategorise.accountId, edit.recategorise.accountCode);
      const only = edit.recategorise.lineItemIds?.map((id) => id.toLowerCase());
      lines = lines.map((line) => {
        if (only && !only.includes(line.LineItemID ?? '')) return line;
        // A person picking another account gets that account's default tax type.
        const { TaxType: _tax, TaxAmount: _amount, AccountID: _account, ...rest } = line;
        return target
          ? { ...rest, AccountID: target.accountId }
          : {
              ...rest,
              AccountID: edit.recategorise?.accountId ?? '',
              AccountCode: edit.recategorise?.accountCode ?? '',
            };
      });
      linesChanged = true;
    }
    if (edit.description !== undefined) {
      lines = lines.map((line) => ({ ...line, Description: edit.description }));
      linesChanged = true;
    }
    if (edit.amount !== undefined) {
      const [only, ...others] = lines;
      if (!only || others.length > 0)
        return {
          ok: false,
          messages: ['amount can only be set on a single-line transaction; send lineItems instead'],
        };
      const rate = data.organisation.taxRates[only.TaxType ?? ''] ?? 0;
      lines = [
        {
          ...only,
          Quantity: 1,
          UnitAmount: round2(edit.amount),
          TaxAmount: taxFor(round2(edit.amount), rate, transaction.lineAmountTypes),
        },
      ];
      linesChanged = true;
      // A person must unreconcile before changing the amount; the sandbox does it for them.
      input.IsReconciled = false;
      transaction.isReconciled = false;
    }
    if (linesChanged) input.LineItems = lines;
  }
  const outcome = applyBankTransactionUpdate(data, transaction, input, ctx.state.ids, ctx.clock.now());
  if (outcome.ok) addHistory(ctx, data, transaction, 'Updated', `Edited in Xero by ${PERSON}`);
  return outcome;
}

export function createBankTransaction(
  ctx: SandboxContext,
  data: OrganisationData,
  body: z.infer<typeof createBankTransactionBody>,
): UpdateOutcome {
  const bankAccount =
    body.bankAccountId || body.bankAccountCode
      ? findAccount(data, body.bankAccountId, body.bankAccountCode)
      : data.accounts.find((account) => account.type === 'BANK');
  if (bankAccount?.type !== 'BANK') return { ok: false, messages: ['bank account not found'] };
  const now = ctx.clock.now();
  const day = 24 * 60 * 60 * 1000;
  const transaction: BankTransaction = {
    bankTransactionId: ctx.state.ids.guid(),
    type: body.type,
    contact: { ...findOrCreateContact(data, body.contactName, ctx.state.ids) },
    bankAccountId: bankAccount.accountId,
    date: Math.floor(now / day) * day,
    reference: body.reference,
    isReconciled: false,
    status: 'AUTHORISED',
    lineAmountTypes: body.lineAmountTypes,
    lineItems: [],
    currencyCode: data.organisation.baseCurrency,
    createdAt: now,
    updatedAt: now,
  };
  const input: BankTransactionInput = {
    LineItems: body.lineItems.map(lineInput),
    IsReconciled: body.isReconciled,
  };
  if (body.date) input.Date = body.date;
  const outcome = applyBankTransactionUpdate(data, transaction, input, ctx.state.ids, now);
  if (!outcome.ok) return outcome;
  data.transactions.push(transaction);
  data.transactionsById.set(transaction.bankTransactionId, transaction);
  return outcome;
}

export function setStatus(
  ctx: SandboxContext,
  data: OrganisationData,
  transaction: BankTransaction,
  status: 'DELETED' | 'VOIDED',
): UpdateOutcome {
  if (transaction.status !== 'AUTHORISED') {
    return {
      ok: false,
      messages: [`This Bank Transaction has already been ${transaction.status.toLowerCase()}.`],
    };
  }
  transaction.status = status;
  transaction.isReconciled = false;
  transaction.updatedAt = ctx.clock.now();
  addHistory(
    ctx,
    data,
    transaction,
    status === 'DELETED' ? 'Deleted' : 'Voided',
    `${status === 'DELETED' ? 'Deleted' : 'Voided'} in Xero by ${PERSON}`,
  );
  return { ok: true, transaction };
}

function addHistory(
  ctx: SandboxContext,
  data: OrganisationData,
  transaction: BankTransaction,
  changes: string,
  details: string,
): void {
  const records = data.history.get(transaction.bankTransactionId) ?? [];
  records.push({ changes, details, user: PERSON, at: ctx.clock.now() });
  data.history.set(transaction.bankTransactionId, records);
}
