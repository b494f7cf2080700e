/** The sandbox's ground truth, in Xero's words. Serialisers in api/xero-json.ts turn these into Xero JSON. */

export type AccountClass = 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE';
export type AccountStatus = 'ACTIVE' | 'ARCHIVED' | 'DELETED';
export type BankTransactionType =
  | 'SPEND'
  | 'RECEIVE'
  | 'SPEND-TRANSFER'
  | 'RECEIVE-TRANSFER'
  | 'SPEND-PREPAYMENT'
  | 'RECEIVE-PREPAYMENT'
  | 'SPEND-OVERPAYMENT'
  | 'RECEIVE-OVERPAYMENT';
export type BankTransactionStatus = 'AUTHORISED' | 'DELETED' | 'VOIDED';
export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

export interface Organisation {
  tenantId: string;
  name: string;
  legalName: string;
  shortCode: string;
  baseCurrency: string;
  countryCode: string;
  timezone: string;
  version: string;
  createdAt: number;
  /** Tax type → rate (0.15 = 15 %). */
  taxRates: Record<string, number>;
  salesTaxType: string;
  purchasesTaxType: string;
  noTaxType: string;
  /** `YYYY-MM-DD`: API writes to transactions dated on or before it are refused (set by the control API). */
  periodLockDate?: string;
}

export interface Account {
  accountId: string;
  code: string;
  name: string;
  type: string;
  accountClass: AccountClass;
  status: AccountStatus;
  taxType: string;
  description?: string;
  bankAccountType?: 'BANK' | 'CREDITCARD' | 'PAYPAL';
  bankAccountNumber?: string;
  currencyCode?: string;
  systemAccount?: string;
  enablePaymentsToAccount: boolean;
  showInExpenseClaims: boolean;
  updatedAt: number;
}

export interface LineItem {
  lineItemId: string;
  description: string;
  quantity: number;
  unitAmount: number;
  accountId: string;
  taxType: string;
  taxAmount: number;
  lineAmount: number;
}

export interface BankTransaction {
  bankTransactionId: string;
  type: BankTransactionType;
  contact: { contactId: string; name: string };
  bankAccountId: string;
  /** Midnight UTC of the transaction's date. */
  date: number;
  reference: string;
  isReconciled: boolean;
  status: BankTransactionStatus;
  lineAmountTypes: LineAmountTypes;
  lineItems: LineItem[];
  currencyCode: string;
  createdAt: number;
  updatedAt: number;
  prepaymentId?: string;
  overpaymentId?: string;
}

export interface Attachment {
  attachmentId: string;
  fileName: string;
  mimeType: string;
  content: Uint8Array;
  sha256: string;
}

export interface HistoryRecord {
  changes: string;
  details: string;
  user: string;
  at: number;
}

export interface OrganisationData {
  organisation: Organisation;
  accounts: Account[];
  accountsById: Map<string, Account>;
  contacts: { contactId: string; name: string }[];
  transactions: BankTransaction[];
  transactionsById: Map<string, BankTransaction>;
  attachments: Map<string, Attachment[]>;
  history: Map<string, HistoryRecord[]>;
  /** The right account for each generated uncategorised transaction (never served by the Xero API). */
  suggestionTruth: Map<string, { accountCode: string; scenario: string }>;
}

export interface SandboxUser {
  userId: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  tenantIds: Set<string>;
}

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export function isSpendType(type: BankTransactionType): boolean {
  return type.startsWith('SPEND');
}

/** SubTotal, TotalTax and Total the way Xero derives them from the lines. */
export function totalsOf(transaction: Pick<BankTransaction, 'lineItems' | 'lineAmountTypes'>): {
  subTotal: number;
  totalTax: number;
  total: number;
} {
  let lines = 0;
  let tax = 0;
  for (const line of transaction.lineItems) {
    lines += line.lineAmount;
    tax += line.taxAmount;
  }
  lines = round2(lines);
  tax = round2(tax);
  if (transaction.lineAmountTypes === 'Inclusive')
    return { subTotal: round2(lines - tax), totalTax: tax, total: lines };
  return { subTotal: lines, totalTax: tax, total: round2(lines + tax) };
}

/** Tax on one line: inclusive amounts contain the tax, exclusive ones get it on top. */
export function taxFor(lineAmount: number, rate: number, lineAmountTypes: LineAmountTypes): number {
  if (lineAmountTypes === 'NoTax' || rate === 0) return 0;
  if (lineAmountTypes === 'Inclusive') return round2((lineAmount * rate) / (1 + rate));
  return round2(lineAmount * rate);
}
