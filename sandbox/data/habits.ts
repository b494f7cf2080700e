import type { Account, BankTransaction, LineItem, OrganisationData } from './model.ts';
import { round2, taxFor } from './model.ts';
import type { Prng } from './prng.ts';
import { HOSTILE_TEXT, LONG_TEXT } from './text.ts';

/**
 * How each demo contact is really coded, so the company has a history worth learning from: most
 * contacts always go to one account, some to one of two depending on what was bought, some are a
 * genuine toss-up, one moved from an account archived since, two were renamed, and a few appear only
 * among the uncategorised transactions. The ground truth of the right account for every
 * uncategorised transaction comes from the same habits; the extension never sees it (control API only).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** The generator's recent window; older history fills the rest of twelve months. */
const RECENT_DAYS = 150;
const HISTORY_DAYS = 365;

type Rule =
  | { kind: 'steady'; code: string; descriptions: readonly string[] }
  | { kind: 'by-description'; options: readonly { description: string; code: string }[] }
  | { kind: 'mixed'; codes: readonly string[]; descriptions: readonly string[] };

interface Habit {
  spend: Rule;
  receive: Rule;
  /** The name the contact had in Xero before it was renamed (older history carries it). */
  formerName?: string;
  /** Older history went to this (now archived) account instead. */
  archivedSince?: string;
}

export type TruthScenario =
  | 'steady'
  | 'by-description'
  | 'mixed'
  | 'new-contact'
  | 'renamed'
  | 'archived-since'
  | 'hostile';

export interface SuggestionTruth {
  accountCode: string;
  scenario: TruthScenario;
}

const steady = (code: string, ...descriptions: string[]): Rule => ({ kind: 'steady', code, descriptions });
const mixed = (codes: string[], ...descriptions: string[]): Rule => ({ kind: 'mixed', codes, descriptions });
const byDescription = (...options: [string, string][]): Rule => ({
  kind: 'by-description',
  options: options.map(([description, code]) => ({ description, code })),
});
const REFUND = steady('260', 'Refund');
const supplier = (spend: Rule, extra: Partial<Habit> = {}): Habit => ({ spend, receive: REFUND, ...extra });

const HABITS: Record<string, Habit> = {
  'Acme Office Supplies': supplier(steady('461', 'Office supplies', 'Stationery')),
  'Bayside Power Co': supplier(steady('445', 'Power bill'), { formerName: 'Bayside Electricity Ltd' }),
  'City Council Rates': supplier(steady('429', 'Council rates')),
  'Coffee Bean Wholesale': supplier(steady('310', 'Coffee beans')),
  'Countdown Supermarket': supplier(
    byDescription(['Staff kitchen groceries', '429'], ['Client function catering', '420']),
  ),
  'Courier Express': supplier(steady('425', 'Courier charges')),
  'Fibre Internet Ltd': supplier(steady('489', 'Internet and phone'), { formerName: 'Fibre Broadband Ltd' }),
  'Fuel Stop': supplier(steady('449', 'Fuel')),
  'Green Clean Services': supplier(steady('408', 'Cleaning service')),
  'Harbour Insurance': supplier(steady('433', 'Insurance premium')),
  'Hardware Warehouse': supplier(byDescription(['Repair parts', '473'], ['Cleaning products', '408'])),
  'Kiwi Print Shop': supplier(steady('461', 'Printing')),
  'Landlord Properties': supplier(steady('469', 'Rent for the month')),
  'Local Bakery Supplies': supplier(steady('310', 'Bakery supplies')),
  'Mobile Network One': supplier(steady('489', 'Mobile plan')),
  'Office Chairs Direct': supplier(steady('429', 'Office furniture')),
  'Parking Authority': supplier(steady('449', 'Parking')),
  'QuickBooks Migration Consultants': supplier(steady('412', 'Consulting')),
  'Sparkle Windows': supplier(steady('408', 'Window cleaning')),
  'Stationery World': supplier(steady('461', 'Stationery')),
  'Taxi Co-op': supplier(steady('493', 'Taxi fare')),
  'The Accounting Practice': supplier(steady('412', 'Accounting fees')),
  Uber: supplier(byDescription(['Uber trip', '493'], ['Uber Eats client lunch', '420'])),
  'Airline Pacific': supplier(byDescription(['Domestic flight', '493'], ['International flight', '494'])),
  'Software Subscriptions Inc': supplier(steady('485', 'Monthly subscription')),
  'Web Hosting Ltd': supplier(steady('485', 'Web hosting')),
  'Hotel Central': supplier(steady('493', 'Accommodation')),
  'Repair Masters': supplier(steady('473', 'Repairs to equipment')),
  'Jones & Daughters': supplier(mixed(['412', '473', '429'], 'Invoice payment')),
  "O'Brien Plumbing Supplies": supplier(mixed(['473', '310'], 'Supplies')),
  'Ridgeway University': {
    spend: mixed(['412', '485'], 'Course fees'),
    receive: steady('200', 'Customer payment'),
  },
  'Marine Systems': supplier(mixed(['473', '429'], 'Marine parts')),
  'Boom FM': supplier(steady('400', 'Radio advertising')),
  'Petty Cash': supplier(mixed(['429', '420', '461'], 'Petty cash')),
  'Customer - Walk in': {
    spend: mixed(['429', '420'], 'Card purchase'),
    receive: steady('200', 'Cash sales'),
  },
  'Wholesale Customer Ltd': {
    spend: mixed(['429', '310'], 'Card purchase'),
    receive: steady('200', 'Customer payment'),
  },
  'Event Hire Co': supplier(steady('420', 'Event hire'), { archivedSince: '421' }),
  Bank: { spend: steady('404', 'Bank fee'), receive: steady('270', 'Interest') },
};

const HOSTILE_HABIT: Habit = { spend: mixed(['429', '420'], 'Card purchase'), receive: REFUND };

/** Contacts that only appear among uncategorised transactions: no history to learn from. */
const NEW_CONTACTS: readonly { name: string; spend: string; receive: string; description: string }[] = [
  { name: 'Solar Panels Direct', spend: '445', receive: '260', description: 'Power bill' },
  { name: 'Pop-up Market Stall', spend: '420', receive: '200', description: 'Stall fee' },
  { name: 'Northern Couriers', spend: '425', receive: '260', description: 'Courier charges' },
  { name: 'Bright Sparks Electrical', spend: '473', receive: '260', description: 'Electrical repairs' },
  { name: 'Cloud Backup Co', spend: '485', receive: '260', description: 'Monthly subscription' },
];
const NEW_CONTACT_SHARE = 0.12;

const HOSTILE = new Set<string>([...HOSTILE_TEXT, LONG_TEXT]);

export class Habits {
  readonly truth = new Map<string, SuggestionTruth>();
  private readonly byCode: Map<string, Account>;
  private readonly newContacts: {
    contactId: string;
    name: string;
    spend: string;
    receive: string;
    description: string;
  }[];

  constructor(
    private readonly data: OrganisationData,
    /** Accounts transactions wait in until someone explains them (where tasks come from). */
    private readonly parking: ReadonlySet<Account>,
    private readonly pool: ReadonlySet<Account>,
    private readonly prng: Prng,
    private readonly anchor: number,
  ) {
    this.byCode = new Map(data.accounts.map((account) => [account.code, account]));
    this.newContacts = NEW_CONTACTS.map((contact) => ({ ...contact, contactId: prng.guid() }));
  }

  /** The new contacts join the organisation's contacts (after the main generator chose from the rest). */
  addNewContacts(): void {
    for (const { contactId, name } of this.newContacts) this.data.contacts.push({ contactId, name });
  }

  private habitOf(name: string): Habit {
    return HABITS[name] ?? HOSTILE_HABIT;
  }

  private account(code: string): Account {
    const account = this.byCode.get(code);
    if (!account) throw new Error(`chart of accounts has no ${code}`);
    return account;
  }

  /** One (account, description) the rule would give: what a person coding it would choose. */
  private draw(rule: Rule): { code: string; description: string } {
    const { prng } = this;
    switch (rule.kind) {
      case 'steady':
        return { code: rule.code, description: prng.pick(rule.descriptions) };
      case 'by-description':
        return prng.pick(rule.options);
      case 'mixed':
        return { code: prng.pick(rule.codes), description: prng.pick(rule.descriptions) };
    }
  }

  private recode(transaction: BankTransaction, line: LineItem, code: string, description: string): void {
    const account = this.account(code);
    const { organisation } = this.data;
    line.accountId = account.accountId;
    line.taxType = transaction.lineAmountTypes === 'NoTax' ? organisation.noTaxType : account.taxType;
    line.taxAmount = taxFor(
      line.lineAmount,
      organisation.taxRates[account.taxType] ?? 0,
      transaction.lineAmountTypes,
    );
    // Hostile text stays: the pages and the extension must keep coping with it.
    if (!HOSTILE.has(line.description)) line.description = description;
  }

  /**
   * A transaction of the main generator: coded ones follow their contact's habit; uncategorised ones
   * get the description their contact uses and a ground truth (some move to a brand-new contact).
   */
  shapeRecent(transaction: BankTransaction): void {
    if (transaction.type !== 'SPEND' && transaction.type !== 'RECEIVE') return;
    const spend = transaction.type === 'SPEND';
    const first = transaction.lineItems[0];
    if (!first) return;
    const firstAccount = this.data.accountsById.get(first.accountId);
    if (!firstAccount) return;
    const hostileContact = !HABITS[transaction.contact.name];
    if (this.pool.has(firstAccount)) {
      const rule = spend
        ? this.habitOf(transaction.contact.name).spend
        : this.habitOf(transaction.contact.name).receive;
      for (const line of transaction.lineItems) {
        const choice = this.draw(rule);
        this.recode(transaction, line, choice.code, choice.description);
      }
      return;
    }
    if (!this.parking.has(firstAccount)) return;
    if (!hostileContact && this.prng.chance(NEW_CONTACT_SHARE)) {
      const contact = this.prng.pick(this.newContacts);
      transaction.contact = { contactId: contact.contactId, name: contact.name };
      if (!HOSTILE.has(first.description)) first.description = contact.description;
      this.truth.set(transaction.bankTransactionId, {
        accountCode: spend ? contact.spend : contact.receive,
        scenario: 'new-contact',
      });
      return;
    }
    const habit = this.habitOf(transaction.contact.name);
    const rule = spend ? habit.spend : habit.receive;
    const choice = this.draw(rule);
    if (!HOSTILE.has(first.description)) first.description = choice.description;
    const scenario: TruthScenario = hostileContact
      ? 'hostile'
      : habit.formerName
        ? 'renamed'
        : habit.archivedSince && spend
          ? 'archived-since'
          : rule.kind;
    this.truth.set(transaction.bankTransactionId, { accountCode: choice.code, scenario });
  }

  /** Coded Spend/Receive Money older than the main generator's window, back to twelve months. */
  olderHistory(count: number): BankTransaction[] {
    const { prng, anchor, data } = this;
    const contacts = data.contacts.filter((contact) => HABITS[contact.name]);
    const banks = data.accounts.filter(
      (account) => account.bankAccountType && account.bankAccountType !== 'PAYPAL',
    );
    const transactions: BankTransaction[] = [];
    for (let i = 0; i < count; i++) {
      const contact = prng.pick(contacts);
      const habit = this.habitOf(contact.name);
      const spend = prng.chance(0.75);
      const daysBack = prng.int(RECENT_DAYS + 1, HISTORY_DAYS);
      const date = anchor - daysBack * DAY_MS;
      const createdAt = date + prng.int(6 * 3600, 48 * 3600) * 1000;
      const transaction: BankTransaction = {
        bankTransactionId: prng.guid(),
        type: spend ? 'SPEND' : 'RECEIVE',
        contact: {
          contactId: contact.contactId,
          // Renamed contacts: what the company called them back then.
          name: habit.formerName && daysBack > 240 ? habit.formerName : contact.name,
        },
        bankAccountId: prng.pick(banks).accountId,
        date,
        reference: prng.chance(0.3) ? `INV-${prng.int(1000, 9999)}` : '',
        isReconciled: true,
        status: 'AUTHORISED',
        lineAmountTypes: 'Inclusive',
        lineItems: [],
        currencyCode: data.organisation.baseCurrency,
        createdAt,
        updatedAt: createdAt,
      };
      const lines = prng.chance(0.9) ? 1 : 2;
      for (let n = 0; n < lines; n++) {
        const choice = this.draw(spend ? habit.spend : habit.receive);
        const code = spend && habit.archivedSince ? habit.archivedSince : choice.code;
        const amount = round2(5 + prng.next() * (prng.chance(0.8) ? 200 : 2000));
        const line: LineItem = {
          lineItemId: prng.guid(),
          description: choice.description,
          quantity: 1,
          unitAmount: amount,
          accountId: '',
          taxType: '',
          taxAmount: 0,
          lineAmount: amount,
        };
        this.recode(transaction, line, code, choice.description);
        transaction.lineItems.push(line);
      }
      transactions.push(transaction);
    }
    return transactions;
  }
}

/**
 * Older coded transactions: three for every four recent ones, at most 5,000 (habits need dozens per
 * contact, not tens of thousands, and generation stays quick at 50,000 recent ones).
 */
export function olderHistoryCount(scale: number): number {
  return Math.min(Math.round(scale * 0.75), 5000);
}
