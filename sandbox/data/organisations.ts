import type { AccountClass } from './model.ts';

/** The demo organisations: different countries, currencies and timezones on purpose. */
export interface OrganisationTemplate {
  name: string;
  legalName: string;
  countryCode: string;
  baseCurrency: string;
  timezone: string;
  version: string;
  taxRates: Record<string, number>;
  salesTaxType: string;
  purchasesTaxType: string;
  noTaxType: string;
}

export const ORGANISATION_TEMPLATES: readonly OrganisationTemplate[] = [
  {
    name: 'Harbour Lane Cafe',
    legalName: 'Harbour Lane Cafe Limited',
    countryCode: 'NZ',
    baseCurrency: 'NZD',
    timezone: 'NEWZEALANDSTANDARDTIME',
    version: 'NZ',
    taxRates: { INPUT2: 0.15, OUTPUT2: 0.15, NONE: 0 },
    salesTaxType: 'OUTPUT2',
    purchasesTaxType: 'INPUT2',
    noTaxType: 'NONE',
  },
  {
    name: 'Kangaroo Point Plumbing',
    legalName: 'Kangaroo Point Plumbing Pty Ltd',
    countryCode: 'AU',
    baseCurrency: 'AUD',
    timezone: 'AUSEASTERNSTANDARDTIME',
    version: 'AU',
    taxRates: { INPUT: 0.1, OUTPUT: 0.1, BASEXCLUDED: 0 },
    salesTaxType: 'OUTPUT',
    purchasesTaxType: 'INPUT',
    noTaxType: 'BASEXCLUDED',
  },
  {
    name: 'Thames Mill Studio',
    legalName: 'Thames Mill Studio Ltd',
    countryCode: 'GB',
    baseCurrency: 'GBP',
    timezone: 'GMTSTANDARDTIME',
    version: 'UK',
    taxRates: { INPUT2: 0.2, OUTPUT2: 0.2, NONE: 0 },
    salesTaxType: 'OUTPUT2',
    purchasesTaxType: 'INPUT2',
    noTaxType: 'NONE',
  },
];

/** Which tax type an account uses by default. */
export type TaxRole = 'sales' | 'purchases' | 'none';

/** Roles the generator needs to find accounts by, independent of their names. */
export type AccountRole =
  | 'cheque'
  | 'savings'
  | 'creditCard'
  | 'sales'
  | 'otherRevenue'
  | 'interest'
  | 'expense'
  | 'uncategorizedExpense'
  | 'uncategorizedIncome'
  | 'suspense'
  | 'askMyAccountant'
  | 'pushToClientHub'
  | 'archived'
  | 'receivable'
  | 'payable'
  | 'other';

export interface AccountTemplate {
  code: string;
  name: string;
  type: string;
  accountClass: AccountClass;
  tax: TaxRole;
  role: AccountRole;
  bankAccountType?: 'BANK' | 'CREDITCARD';
  systemAccount?: string;
  description?: string;
  archived?: boolean;
}

const expense = (code: string, name: string, description?: string): AccountTemplate => ({
  code,
  name,
  type: 'EXPENSE',
  accountClass: 'EXPENSE',
  tax: 'purchases',
  role: 'expense',
  ...(description ? { description } : {}),
});

/** A realistic small-business chart, shaped after Xero's default chart of accounts. */
export const CHART_OF_ACCOUNTS: readonly AccountTemplate[] = [
  {
    code: '090',
    name: 'Business Cheque Account',
    type: 'BANK',
    accountClass: 'ASSET',
    tax: 'none',
    role: 'cheque',
    bankAccountType: 'BANK',
  },
  {
    code: '091',
    name: 'Business Savings Account',
    type: 'BANK',
    accountClass: 'ASSET',
    tax: 'none',
    role: 'savings',
    bankAccountType: 'BANK',
  },
  {
    code: '092',
    name: 'Business Credit Card',
    type: 'BANK',
    accountClass: 'LIABILITY',
    tax: 'none',
    role: 'creditCard',
    bankAccountType: 'CREDITCARD',
  },
  {
    code: '200',
    name: 'Sales',
    type: 'REVENUE',
    accountClass: 'REVENUE',
    tax: 'sales',
    role: 'sales',
    description: 'Income from any normal business activity',
  },
  {
    code: '260',
    name: 'Other Revenue',
    type: 'REVENUE',
    accountClass: 'REVENUE',
    tax: 'sales',
    role: 'otherRevenue',
  },
  {
    code: '270',
    name: 'Interest Income',
    type: 'OTHERINCOME',
    accountClass: 'REVENUE',
    tax: 'none',
    role: 'interest',
  },
  {
    code: '299',
    name: 'Uncategorized Income',
    type: 'OTHERINCOME',
    accountClass: 'REVENUE',
    tax: 'none',
    role: 'uncategorizedIncome',
    description: 'Money in that still needs a proper account',
  },
  {
    code: '310',
    name: 'Cost of Goods Sold',
    type: 'DIRECTCOSTS',
    accountClass: 'EXPENSE',
    tax: 'purchases',
    role: 'expense',
  },
  expense('400', 'Advertising'),
  expense('404', 'Bank Fees'),
  expense('408', 'Cleaning'),
  expense('412', 'Consulting & Accounting'),
  expense('420', 'Entertainment'),
  { ...expense('421', 'Entertainment (old)'), role: 'archived', archived: true },
  expense('425', 'Freight & Courier'),
  expense('429', 'General Expenses'),
  expense('433', 'Insurance'),
  expense('445', 'Light, Power, Heating'),
  expense('449', 'Motor Vehicle Expenses'),
  expense('461', 'Printing & Stationery'),
  expense('469', 'Rent'),
  expense('473', 'Repairs and Maintenance'),
  expense('485', 'Subscriptions'),
  expense('489', 'Telephone & Internet'),
  expense('493', 'Travel - National'),
  expense('494', 'Travel - International'),
  {
    ...expense('496', 'Push to Client Hub', 'Transactions waiting for the client to explain them'),
    role: 'pushToClientHub',
  },
  { ...expense('497', 'Ask My Accountant'), role: 'askMyAccountant' },
  {
    ...expense('498', 'Uncategorized Expense', 'Money out that still needs a proper account'),
    role: 'uncategorizedExpense',
  },
  {
    code: '610',
    name: 'Accounts Receivable',
    type: 'CURRENT',
    accountClass: 'ASSET',
    tax: 'none',
    role: 'receivable',
    systemAccount: 'DEBTORS',
  },
  {
    code: '800',
    name: 'Accounts Payable',
    type: 'CURRLIAB',
    accountClass: 'LIABILITY',
    tax: 'none',
    role: 'payable',
    systemAccount: 'CREDITORS',
  },
  {
    code: '820',
    name: 'Sales Tax',
    type: 'CURRLIAB',
    accountClass: 'LIABILITY',
    tax: 'none',
    role: 'other',
    systemAccount: 'GST',
  },
  {
    code: '850',
    name: 'Suspense',
    type: 'CURRLIAB',
    accountClass: 'LIABILITY',
    tax: 'none',
    role: 'suspense',
  },
  {
    code: '960',
    name: 'Retained Earnings',
    type: 'EQUITY',
    accountClass: 'EQUITY',
    tax: 'none',
    role: 'other',
    systemAccount: 'RETAINEDEARNINGS',
  },
  {
    code: '970',
    name: 'Owner A Funds Introduced',
    type: 'EQUITY',
    accountClass: 'EQUITY',
    tax: 'none',
    role: 'other',
  },
];
