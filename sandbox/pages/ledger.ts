import { type BankTransaction, type OrganisationData, round2, totalsOf } from '../data/model.ts';
import { createPrng } from '../data/prng.ts';

/**
 * What Xero's "Account Transactions" list shows: not only bank transactions. Invoice and bill payments
 * and bank transfers are listed too, and their rows link to `ViewTransaction.aspx?bankTransactionID=`
 * with an id that is NOT a BankTransaction (a PaymentID, a BankTransferID): the API answers 404 for it.
 * The sandbox's API does not model payments or transfers as their own documents; these rows exist for
 * the web pages only, derived from the seed so they are the same on every load.
 */
export type LedgerRowKind = 'bank-transaction' | 'payment' | 'transfer';

export interface LedgerRow {
  kind: LedgerRowKind;
  /** What the row links to with `bankTransactionID=`: a BankTransactionID only for bank transactions. */
  linkId: string;
  date: number;
  contactName: string;
  reference: string;
  /** Positive; `spent` tells the column. */
  amount: number;
  spent: boolean;
  /** Xero's "Source" column: Spend Money, Receive Money, Payment: Invoice, Bank Transfer, … */
  source: string;
  isReconciled: boolean;
  bankAccountId: string;
  transaction?: BankTransaction;
}

const SOURCES: Record<string, string> = {
  SPEND: 'Spend Money',
  RECEIVE: 'Receive Money',
  'SPEND-PREPAYMENT': 'Prepayment',
  'RECEIVE-PREPAYMENT': 'Prepayment',
  'SPEND-OVERPAYMENT': 'Overpayment',
  'RECEIVE-OVERPAYMENT': 'Overpayment',
};

/** A number from a string (FNV-1a), to seed rows derived from an id or an organisation. */
function hashOf(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const DAY_MS = 86_400_000;
const paymentsCache = new WeakMap<OrganisationData, LedgerRow[]>();
const transferIds = new Map<string, string>();

/** The BankTransferID of a transfer's bank transaction: what Xero's list links a transfer row with. */
export function transferIdOf(transaction: BankTransaction): string {
  let id = transferIds.get(transaction.bankTransactionId);
  if (!id) {
    id = createPrng(hashOf(transaction.bankTransactionId), 7).guid();
    transferIds.set(transaction.bankTransactionId, id);
  }
  return id;
}

/** Invoice and bill payments into the organisation's bank accounts: one for every ~16 bank transactions. */
export function paymentsOf(org: OrganisationData): LedgerRow[] {
  const cached = paymentsCache.get(org);
  if (cached) return cached;
  const prng = createPrng(hashOf(org.organisation.tenantId), 11);
  const accounts = org.accounts.filter((a) => a.bankAccountType && a.status === 'ACTIVE');
  const count = Math.max(6, Math.round(org.transactions.length / 16));
  // The day the data was generated for (organisations are created three years before it).
  const today = org.organisation.createdAt + 3 * 365 * DAY_MS;
  const rows: LedgerRow[] = [];
  for (let i = 0; i < count; i++) {
    const received = prng.chance(0.6);
    const account = prng.pick(accounts);
    const contact = prng.pick(org.contacts);
    const number = prng.int(1000, 9999);
    rows.push({
      kind: 'payment',
      linkId: prng.guid(),
      date: today - prng.int(1, 150) * DAY_MS,
      contactName: contact.name,
      reference: received ? `INV-${number}` : `BILL-${number}`,
      amount: round2(prng.int(2000, 400000) / 100),
      spent: !received,
      source: received ? 'Payment: Invoice' : 'Payment: Bill',
      isReconciled: prng.chance(0.5),
      bankAccountId: account?.accountId ?? '',
    });
  }
  paymentsCache.set(org, rows);
  return rows;
}

function rowOfTransaction(t: BankTransaction): LedgerRow {
  const transfer = t.type.endsWith('TRANSFER');
  return {
    kind: transfer ? 'transfer' : 'bank-transaction',
    linkId: transfer ? transferIdOf(t) : t.bankTransactionId,
    date: t.date,
    contactName: transfer ? 'Bank Transfer' : t.contact.name,
    reference: t.reference,
    amount: totalsOf(t).total,
    spent: t.type.startsWith('SPEND'),
    source: transfer ? 'Bank Transfer' : (SOURCES[t.type] ?? 'Bank Transaction'),
    isReconciled: t.isReconciled,
    bankAccountId: t.bankAccountId,
    transaction: t,
  };
}

const byDate = (a: LedgerRow, b: LedgerRow) => b.date - a.date || a.linkId.localeCompare(b.linkId);

/**
 * The list of one account, newest first: its authorised bank transactions, transfers and payments
 * (deleted and voided ones are not listed), filtered by `search` as Xero's search box does (words in
 * the contact, reference or source).
 */
export function ledgerOf(org: OrganisationData, accountId: string, search = ''): LedgerRow[] {
  const own = org.transactions
    .filter((t) => t.bankAccountId === accountId && t.status === 'AUTHORISED')
    .map(rowOfTransaction);
  const payments = paymentsOf(org).filter((p) => p.bankAccountId === accountId);
  const rows = [...own, ...payments].sort(byDate);
  const wanted = search.trim().toLowerCase();
  if (!wanted) return rows;
  return rows.filter((row) =>
    `${row.contactName} ${row.reference} ${row.source}`.toLowerCase().includes(wanted),
  );
}

/**
 * `rows=N` (sandbox only, for benches): N rows whatever the account has; when it has fewer, the
 * organisation's other accounts fill the rest.
 */
export function ledgerWithRows(org: OrganisationData, accountId: string, rows: number): LedgerRow[] {
  const own = ledgerOf(org, accountId);
  if (own.length >= rows) return own.slice(0, rows);
  const others = org.accounts
    .filter((a) => a.accountId !== accountId && a.bankAccountType && a.status === 'ACTIVE')
    .flatMap((a) => ledgerOf(org, a.accountId))
    .sort(byDate);
  return [...own, ...others].slice(0, rows);
}

/** A payment or transfer row by the id its link carries (for its own page). */
export function ledgerRowById(org: OrganisationData, id: string): LedgerRow | undefined {
  const payment = paymentsOf(org).find((p) => p.linkId === id);
  if (payment) return payment;
  const transfer = org.transactions.find((t) => t.type.endsWith('TRANSFER') && transferIdOf(t) === id);
  return transfer ? rowOfTransaction(transfer) : undefined;
}
