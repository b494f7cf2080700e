import type { Account, BankTransaction, LineItem, OrganisationData } from '../data/model.ts';
import { round2, taxFor, totalsOf } from '../data/model.ts';
import type { Prng } from '../data/prng.ts';
import type { BankTransactionInput } from './xero-input.ts';
import { parseXeroDate } from './xero-input.ts';

export type UpdateOutcome = { ok: true; transaction: BankTransaction } | { ok: false; messages: string[] };

type LineInput = NonNullable<BankTransactionInput['LineItems']>[number];

/** Looks an account up by AccountID first, then by Code, as Xero does for line items. */
export function findAccount(data: OrganisationData, accountId?: string, code?: string): Account | undefined {
  if (accountId) return data.accountsById.get(accountId.toLowerCase());
  if (code !== undefined) return data.accounts.find((account) => account.code === code);
  return undefined;
}

function accountProblem(account: Account | undefined, accountId?: string, code?: string): string | undefined {
  if (!account) {
    return accountId
      ? `Account ID '${accountId}' is not a valid account for this document.`
      : `Account code '${code ?? ''}' is not a valid code for this document.`;
  }
  if (account.status !== 'ACTIVE') {
    return `The account code '${account.code}' has been archived, or deleted. Each line item must reference a valid account.`;
  }
  return undefined;
}

function buildLine(
  data: OrganisationData,
  input: LineInput,
  existing: LineItem | undefined,
  lineAmountTypes: BankTransaction['lineAmountTypes'],
  ids: Prng,
  messages: string[],
): LineItem | undefined {
  const hasAccountInput = input.AccountID !== undefined || input.AccountCode !== undefined;
  const account = hasAccountInput
    ? findAccount(data, input.AccountID, input.AccountCode)
    : existing
      ? data.accountsById.get(existing.accountId)
      : undefined;
  const problem = accountProblem(account, input.AccountID, input.AccountCode);
  if (problem || !account) {
    messages.push(problem ?? 'Each line item must reference a valid account.');
    return undefined;
  }
  const taxType =
    input.TaxType ?? (lineAmountTypes === 'NoTax' ? data.organisation.noTaxType : account.taxType);
  const rate = data.organisation.taxRates[taxType];
  if (rate === undefined) {
    messages.push(
      `The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`,
    );
    return undefined;
  }
  const quantity = input.Quantity ?? existing?.quantity ?? 1;
  let unitAmount: number;
  let lineAmount: number;
  if (input.UnitAmount !== undefined) {
    unitAmount = input.UnitAmount;
    lineAmount = round2(quantity * unitAmount);
  } else if (input.LineAmount !== undefined) {
    lineAmount = round2(input.LineAmount);
    unitAmount = quantity === 0 ? 0 : round2(lineAmount / quantity);
  } else {
    lineAmount = existing?.lineAmount ?? 0;
    unitAmount = existing?.unitAmount ?? 0;
  }
  return {
    lineItemId: existing?.lineItemId ?? ids.guid(),
    description: input.Description ?? existing?.description ?? '',
    quantity,
    unitAmount,
    accountId: account.accountId,
    taxType,
    taxAmount:
      input.TaxAmount !== undefined ? round2(input.TaxAmount) : taxFor(lineAmount, rate, lineAmountTypes),
    lineAmount,
  };
}

/**
 * Applies `POST BankTransactions/{id}` the way Xero does: line items sent replace all existing ones
 * (omitted lines are deleted), totals are derived from the lines, and totals sent must agree with them.
 * Nothing changes unless the whole update is valid.
 */
export function applyBankTransactionUpdate(
  data: OrganisationData,
  transaction: BankTransaction,
  input: BankTransactionInput,
  ids: Prng,
  now: number,
): UpdateOutcome {
  const messages: string[] = [];
  if (transaction.status !== 'AUTHORISED') {
    return {
      ok: false,
      messages: [
        `This Bank Transaction cannot be edited as it has been ${transaction.status.toLowerCase()}.`,
      ],
    };
  }
  const lineAmountTypes = input.LineAmountTypes ?? transaction.lineAmountTypes;
  let lineItems = transaction.lineItems;
  if (input.LineItems) {
    if (input.LineItems.length === 0) messages.push('At least one line item must be specified.');
    const byId = new Map(transaction.lineItems.map((line) => [line.lineItemId, line]));
    lineItems = input.LineItems.flatMap((line) => {
      const built = buildLine(
        data,
        line,
        line.LineItemID ? byId.get(line.LineItemID.toLowerCase()) : undefined,
        lineAmountTypes,
        ids,
        messages,
      );
      return built ? [built] : [];
    });
  } else if (input.LineAmountTypes && input.LineAmountTypes !== transaction.lineAmountTypes) {
    lineItems = transaction.lineItems.map((line) => ({
      ...line,
      taxAmount: taxFor(line.lineAmount, data.organisation.taxRates[line.taxType] ?? 0, lineAmountTypes),
    }));
  }
  const totals = totalsOf({ lineItems, lineAmountTypes });
  if (input.SubTotal !== undefined && round2(input.SubTotal) !== totals.subTotal) {
    messages.push('The document sub total does not equal the sub total of the lines.');
  }
  if (input.TotalTax !== undefined && round2(input.TotalTax) !== totals.totalTax) {
    messages.push('The document total tax does not equal the sum of the tax of the lines.');
  }
  if (input.Total !== undefined && round2(input.Total) !== totals.total) {
    messages.push('The document total does not equal the sum of the lines.');
  }
  let date = transaction.date;
  if (input.Date !== undefined) {
    const parsed = parseXeroDate(input.Date);
    if (parsed === undefined) messages.push(`The date '${input.Date}' is not valid.`);
    else date = parsed;
  }
  let bankAccountId = transaction.bankAccountId;
  if (input.BankAccount && (input.BankAccount.AccountID || input.BankAccount.Code)) {
    const account = findAccount(data, input.BankAccount.AccountID, input.BankAccount.Code);
    if (account?.type !== 'BANK') messages.push('The bank account is not valid for this document.');
    else bankAccountId = account.accountId;
  }
  let contact = transaction.contact;
  if (input.Contact?.ContactID) {
    const found = data.contacts.find(
      (candidate) => candidate.contactId === input.Contact?.ContactID?.toLowerCase(),
    );
    if (!found) messages.push(`The contact with ID '${input.Contact.ContactID}' does not exist.`);
    else contact = found;
  } else if (input.Contact?.Name) {
    contact = findOrCreateContact(data, input.Contact.Name, ids);
  }
  let status: BankTransaction['status'] = transaction.status;
  if (input.Status !== undefined && input.Status !== transaction.status) {
    if (input.Status === 'DELETED') status = 'DELETED';
    else messages.push(`The status '${input.Status}' cannot be set on a bank transaction.`);
  }
  if (
    transaction.isReconciled &&
    (totals.total !== totalsOf(transaction).total || bankAccountId !== transaction.bankAccountId)
  ) {
    messages.push('The total and bank account of a reconciled bank transaction cannot be changed.');
  }
  if (messages.length > 0) return { ok: false, messages };
  Object.assign(transaction, {
    lineItems,
    lineAmountTypes,
    date,
    bankAccountId,
    contact: { ...contact },
    status,
    reference: input.Reference ?? transaction.reference,
    isReconciled: input.IsReconciled ?? transaction.isReconciled,
    updatedAt: now,
  });
  return { ok: true, transaction };
}

export function findOrCreateContact(
  data: OrganisationData,
  name: string,
  ids: Prng,
): { contactId: string; name: string } {
  const existing = data.contacts.find((contact) => contact.name.toLowerCase() === name.toLowerCase());
  if (existing) return existing;
  const contact = { contactId: ids.guid(), name };
  data.contacts.push(contact);
  return contact;
}
