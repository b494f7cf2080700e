import { createHash } from 'node:crypto';
import { USER_TEMPLATES } from '../config.ts';
import type {
  Account,
  Attachment,
  BankTransaction,
  BankTransactionStatus,
  BankTransactionType,
  LineAmountTypes,
  LineItem,
  Organisation,
  OrganisationData,
  SandboxUser,
} from './model.ts';
import { isSpendType, round2, taxFor } from './model.ts';
import type { AccountRole, AccountTemplate, OrganisationTemplate } from './organisations.ts';
import { CHART_OF_ACCOUNTS, ORGANISATION_TEMPLATES } from './organisations.ts';
import { createPrng, type Prng } from './prng.ts';
import { CONTACT_NAMES, HOSTILE_TEXT, LONG_TEXT, RECEIVE_DESCRIPTIONS, SPEND_DESCRIPTIONS } from './text.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Transactions are dated 1..DAYS_OF_HISTORY days before the anchor day. */
const DAYS_OF_HISTORY = 150;

export interface GeneratedWorld {
  organisations: OrganisationData[];
  users: SandboxUser[];
}

/**
 * Everything derives from (seed, scale, anchor day): the same seed on the same UTC day gives the same
 * data, byte for byte. `anchorMs` is truncated to midnight UTC so the time of day does not matter.
 */
export function generateWorld(seed: number, scale: number, anchorMs: number): GeneratedWorld {
  const anchor = Math.floor(anchorMs / DAY_MS) * DAY_MS;
  const organisations = ORGANISATION_TEMPLATES.map((template, index) =>
    generateOrganisation(template, createPrng(seed, index + 1), scale, anchor, index === 0),
  );
  const userPrng = createPrng(seed, 99);
  const users = USER_TEMPLATES.map((template) => ({
    userId: userPrng.guid(),
    email: template.email,
    password: template.password,
    firstName: template.firstName,
    lastName: template.lastName,
    tenantIds: new Set(
      template.orgIndexes.flatMap((index) => {
        const org = organisations[index];
        return org ? [org.organisation.tenantId] : [];
      }),
    ),
  }));
  return { organisations, users };
}

/**
 * Xero's short codes: "!" then five characters, where "!" and "-" may follow the first "!" (real ones:
 * `!0X0!!`, `!G4KH-`, `!-jCNg`, `!!MbJQ`). Five draws whatever the alphabet, so the data after it stays
 * the same for a seed.
 */
export const SHORT_CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!-';

function shortCode(prng: Prng, withPunctuation: boolean): string {
  let code = '!';
  for (let i = 0; i < 5; i++) code += SHORT_CODE_ALPHABET.charAt(prng.int(0, SHORT_CODE_ALPHABET.length - 1));
  // The first demo organisation always has both, shaped like `!G4KH-` and `!0X0!!`: every run meets them.
  return withPunctuation ? `${code.slice(0, 3)}!${code.slice(4, 5)}-` : code;
}

function generateOrganisation(
  template: OrganisationTemplate,
  prng: Prng,
  scale: number,
  anchor: number,
  punctuatedShortCode: boolean,
): OrganisationData {
  const organisation: Organisation = {
    tenantId: prng.guid(),
    name: template.name,
    legalName: template.legalName,
    shortCode: shortCode(prng, punctuatedShortCode),
    baseCurrency: template.baseCurrency,
    countryCode: template.countryCode,
    timezone: template.timezone,
    version: template.version,
    createdAt: anchor - 3 * 365 * DAY_MS,
    taxRates: template.taxRates,
    salesTaxType: template.salesTaxType,
    purchasesTaxType: template.purchasesTaxType,
    noTaxType: template.noTaxType,
  };
  const roles = new Map<AccountRole, Account[]>();
  const accounts = CHART_OF_ACCOUNTS.map((accountTemplate) => {
    const account = buildAccount(accountTemplate, organisation, prng, anchor);
    const list = roles.get(accountTemplate.role) ?? [];
    list.push(account);
    roles.set(accountTemplate.role, list);
    return account;
  });
  const contacts = [...CONTACT_NAMES, ...HOSTILE_TEXT].map((name) => ({ contactId: prng.guid(), name }));
  const data: OrganisationData = {
    organisation,
    accounts,
    accountsById: new Map(accounts.map((account) => [account.accountId, account])),
    contacts,
    transactions: [],
    transactionsById: new Map(),
    attachments: new Map(),
    history: new Map(),
  };
  const generator = new TransactionGenerator(data, roles, prng, anchor);
  for (let i = 0; i < scale; i++) {
    const transaction = generator.next();
    data.transactions.push(transaction);
    data.transactionsById.set(transaction.bankTransactionId, transaction);
  }
  return data;
}

function buildAccount(
  template: AccountTemplate,
  organisation: Organisation,
  prng: Prng,
  anchor: number,
): Account {
  const taxType =
    template.tax === 'sales'
      ? organisation.salesTaxType
      : template.tax === 'purchases'
        ? organisation.purchasesTaxType
        : organisation.noTaxType;
  return {
    accountId: prng.guid(),
    code: template.code,
    name: template.name,
    type: template.type,
    accountClass: template.accountClass,
    status: template.archived ? 'ARCHIVED' : 'ACTIVE',
    taxType,
    ...(template.description ? { description: template.description } : {}),
    ...(template.bankAccountType
      ? {
          bankAccountType: template.bankAccountType,
          bankAccountNumber: `${prng.int(10, 99)}-${prng.int(1000, 9999)}-${prng.int(1000000, 9999999)}-00`,
          currencyCode: organisation.baseCurrency,
        }
      : {}),
    ...(template.systemAccount ? { systemAccount: template.systemAccount } : {}),
    enablePaymentsToAccount: false,
    showInExpenseClaims: template.accountClass === 'EXPENSE',
    updatedAt: anchor - prng.int(30, 700) * DAY_MS,
  };
}

const PNG_1X1 = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

export function makeAttachment(
  attachmentId: string,
  fileName: string,
  mimeType: string,
  content: Uint8Array,
): Attachment {
  return {
    attachmentId,
    fileName,
    mimeType,
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}

class TransactionGenerator {
  private readonly bankAccounts: { cheque: Account; savings: Account; creditCard: Account };
  private readonly expenseAccounts: Account[];
  private readonly revenueAccounts: Account[];
  private readonly uncategorisedSpend: Account[];
  private readonly uncategorisedReceive: Account[];
  private readonly archived: Account[];
  private readonly receivable: Account;
  private readonly payable: Account;
  private readonly hostileContacts: { contactId: string; name: string }[];
  private readonly normalContacts: { contactId: string; name: string }[];

  constructor(
    private readonly data: OrganisationData,
    roles: Map<AccountRole, Account[]>,
    private readonly prng: Prng,
    private readonly anchor: number,
  ) {
    const one = (role: AccountRole): Account => {
      const account = roles.get(role)?.[0];
      if (!account) throw new Error(`chart of accounts has no ${role} account`);
      return account;
    };
    const all = (...wanted: AccountRole[]): Account[] => wanted.flatMap((role) => roles.get(role) ?? []);
    this.bankAccounts = { cheque: one('cheque'), savings: one('savings'), creditCard: one('creditCard') };
    this.expenseAccounts = all('expense');
    this.revenueAccounts = all('sales', 'otherRevenue', 'interest');
    // Weighted: most leftovers sit in Uncategorized, fewer in the special-purpose accounts.
    this.uncategorisedSpend = all(
      'uncategorizedExpense',
      'uncategorizedExpense',
      'uncategorizedExpense',
      'suspense',
      'askMyAccountant',
      'pushToClientHub',
    );
    this.uncategorisedReceive = all('uncategorizedIncome', 'uncategorizedIncome', 'suspense');
    this.archived = all('archived');
    this.receivable = one('receivable');
    this.payable = one('payable');
    const hostile = new Set<string>(HOSTILE_TEXT);
    this.hostileContacts = data.contacts.filter((contact) => hostile.has(contact.name));
    this.normalContacts = data.contacts.filter((contact) => !hostile.has(contact.name));
  }

  next(): BankTransaction {
    const { prng, anchor } = this;
    const type = this.pickType();
    const spend = isSpendType(type);
    const bankAccount = this.pickBankAccount(spend);
    const daysBack = prng.int(1, DAYS_OF_HISTORY);
    const date = anchor - daysBack * DAY_MS;
    const latest = anchor - 60_000;
    const createdAt = Math.min(date + prng.int(6 * 3600, 48 * 3600) * 1000 + prng.int(0, 999), latest);
    const statusRoll = prng.next();
    const status: BankTransactionStatus =
      statusRoll < 0.03 ? 'DELETED' : statusRoll < 0.05 ? 'VOIDED' : 'AUTHORISED';
    const edited = status !== 'AUTHORISED' || prng.chance(0.15);
    const updatedAt = edited ? Math.min(createdAt + prng.int(60, 10 * 86400) * 1000, latest) : createdAt;
    const lineAmountTypes: LineAmountTypes =
      type.endsWith('TRANSFER') || type.endsWith('OVERPAYMENT')
        ? 'NoTax'
        : prng.chance(0.8)
          ? 'Inclusive'
          : prng.chance(0.75)
            ? 'Exclusive'
            : 'NoTax';
    const contact = prng.chance(0.04) ? prng.pick(this.hostileContacts) : prng.pick(this.normalContacts);
    const transaction: BankTransaction = {
      bankTransactionId: prng.guid(),
      type,
      contact: { ...contact },
      bankAccountId: bankAccount.accountId,
      date,
      reference: this.pickReference(),
      isReconciled: status === 'AUTHORISED' && prng.chance(daysBack > 14 ? 0.6 : 0.2),
      status,
      lineAmountTypes,
      lineItems: this.lineItems(type, bankAccount, lineAmountTypes),
      currencyCode: this.data.organisation.baseCurrency,
      createdAt,
      updatedAt,
    };
    if (type.endsWith('PREPAYMENT')) transaction.prepaymentId = prng.guid();
    if (type.endsWith('OVERPAYMENT')) transaction.overpaymentId = prng.guid();
    if (prng.chance(0.08)) this.attach(transaction);
    return transaction;
  }

  private pickType(): BankTransactionType {
    const roll = this.prng.next();
    if (roll < 0.64) return 'SPEND';
    if (roll < 0.9) return 'RECEIVE';
    if (roll < 0.93) return 'SPEND-TRANSFER';
    if (roll < 0.96) return 'RECEIVE-TRANSFER';
    if (roll < 0.97) return 'SPEND-PREPAYMENT';
    if (roll < 0.98) return 'RECEIVE-PREPAYMENT';
    if (roll < 0.99) return 'SPEND-OVERPAYMENT';
    return 'RECEIVE-OVERPAYMENT';
  }

  private pickBankAccount(spend: boolean): Account {
    const roll = this.prng.next();
    const { cheque, savings, creditCard } = this.bankAccounts;
    if (roll < 0.55) return cheque;
    if (roll < (spend ? 0.9 : 0.6)) return creditCard;
    return savings;
  }

  private pickReference(): string {
    const roll = this.prng.next();
    if (roll < 0.3) return `INV-${this.prng.int(1000, 9999)}`;
    if (roll < 0.33) return this.prng.pick(HOSTILE_TEXT);
    return '';
  }

  private lineItems(
    type: BankTransactionType,
    bankAccount: Account,
    lineAmountTypes: LineAmountTypes,
  ): LineItem[] {
    const { prng } = this;
    const spend = isSpendType(type);
    if (type.endsWith('TRANSFER')) {
      const other = [
        this.bankAccounts.cheque,
        this.bankAccounts.savings,
        this.bankAccounts.creditCard,
      ].filter((account) => account !== bankAccount);
      return [this.line(prng.pick(other), 'Transfer', this.amount(), lineAmountTypes)];
    }
    if (type.endsWith('OVERPAYMENT')) {
      return [
        this.line(spend ? this.payable : this.receivable, 'Overpayment', this.amount(), lineAmountTypes),
      ];
    }
    const descriptions = spend ? SPEND_DESCRIPTIONS : RECEIVE_DESCRIPTIONS;
    const hostileDescriptions = [...HOSTILE_TEXT, LONG_TEXT];
    const describe = (): string =>
      prng.chance(0.03) ? prng.pick(hostileDescriptions) : prng.pick(descriptions);
    const roll = prng.next();
    if (roll < 0.2) {
      return [
        this.line(
          prng.pick(spend ? this.uncategorisedSpend : this.uncategorisedReceive),
          describe(),
          this.amount(),
          lineAmountTypes,
        ),
      ];
    }
    if (roll < 0.21 && spend)
      return [this.line(prng.pick(this.archived), describe(), this.amount(), lineAmountTypes)];
    const pool = spend ? this.expenseAccounts : this.revenueAccounts;
    const count = prng.chance(0.8) ? 1 : prng.chance(0.75) ? 2 : prng.int(3, 4);
    const used = new Set<Account>();
    const lines: LineItem[] = [];
    for (let i = 0; i < count; i++) {
      let account = prng.pick(pool);
      for (let tries = 0; used.has(account) && tries < 5; tries++) account = prng.pick(pool);
      used.add(account);
      lines.push(this.line(account, describe(), this.amount(), lineAmountTypes));
    }
    return lines;
  }

  private amount(): number {
    const roll = this.prng.next();
    const max = roll < 0.7 ? 150 : roll < 0.95 ? 1500 : 9000;
    return round2(1 + this.prng.next() * max);
  }

  private line(
    account: Account,
    description: string,
    lineAmount: number,
    lineAmountTypes: LineAmountTypes,
  ): LineItem {
    const rate = this.data.organisation.taxRates[account.taxType] ?? 0;
    return {
      lineItemId: this.prng.guid(),
      description,
      quantity: 1,
      unitAmount: lineAmount,
      accountId: account.accountId,
      taxType: lineAmountTypes === 'NoTax' ? this.data.organisation.noTaxType : account.taxType,
      taxAmount: taxFor(lineAmount, rate, lineAmountTypes),
      lineAmount,
    };
  }

  private attach(transaction: BankTransaction): void {
    const count = this.prng.chance(0.8) ? 1 : 2;
    const files: Attachment[] = [];
    for (let i = 0; i < count; i++) {
      const pdf = this.prng.chance(0.6);
      const attachmentId = this.prng.guid();
      const fileName = pdf
        ? `receipt-${transaction.bankTransactionId.slice(0, 8)}-${i + 1}.pdf`
        : `photo-${i + 1}.png`;
      const content = pdf
        ? new TextEncoder().encode(
            `%PDF-1.4\n% Sandbox receipt for ${transaction.bankTransactionId}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
          )
        : PNG_1X1;
      files.push(makeAttachment(attachmentId, fileName, pdf ? 'application/pdf' : 'image/png', content));
    }
    this.data.attachments.set(transaction.bankTransactionId, files);
  }
}
