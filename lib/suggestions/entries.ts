import type { BankTransactionRecord } from '../sync/records';
import type { HistoryEntry } from './records';
import { nameKeyOf, tokensOf } from './tokens';

/**
 * One transaction as Xero sent it → its history entry, or null when it no longer counts (deleted,
 * voided, a transfer or prepayment): the caller deletes any entry it had.
 */
export function historyEntryOf(record: BankTransactionRecord): HistoryEntry | null {
  if (record.status !== 'AUTHORISED' || (record.type !== 'SPEND' && record.type !== 'RECEIVE')) return null;
  const accountIds = new Set<string>();
  // A line of tax only (no amount) says nothing about what the money was for.
  for (const line of record.lineItems)
    if (line.accountId && line.lineAmount !== 0) accountIds.add(line.accountId);
  return {
    tenantId: record.tenantId,
    bankTransactionId: record.bankTransactionId,
    type: record.type,
    date: record.date,
    contactId: record.contactId ?? '',
    contactName: record.contactName.slice(0, 255),
    nameKey: nameKeyOf(record.contactName),
    accountIds: [...accountIds],
    tokens: tokensOf(...record.lineItems.map((line) => line.description), record.reference),
  };
}

/** What a page of transactions changes in the index: entries to put, keys to delete. */
export function historyChangesOf(records: readonly BankTransactionRecord[]) {
  const put: HistoryEntry[] = [];
  const remove: [string, string][] = [];
  for (const record of records) {
    const entry = historyEntryOf(record);
    if (entry) put.push(entry);
    else remove.push([record.tenantId, record.bankTransactionId]);
  }
  return { put, remove };
}
