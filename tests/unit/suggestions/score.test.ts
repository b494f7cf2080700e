import { describe, expect, test } from 'vitest';
import { historyChangesOf, historyEntryOf } from '@/lib/suggestions/entries';
import type { HistoryEntry } from '@/lib/suggestions/records';
import {
  buildHistoryIndex,
  historyFromDate,
  suggestAccount,
  suggestableAccounts,
  type TaskToScore,
} from '@/lib/suggestions/score';
import { nameKeyOf, tokensOf } from '@/lib/suggestions/tokens';
import type { BankTransactionRecord } from '@/lib/sync/records';
import { account } from '../../support/accounts';

const chart = [
  account('090', 'Business Cheque', { type: 'BANK', accountClass: 'ASSET', isBankAccount: true }),
  account('420', 'Entertainment'),
  account('421', 'Entertainment (old)', { status: 'ARCHIVED' }),
  account('429', 'General Expenses'),
  account('445', 'Light, Power, Heating'),
  account('493', 'Travel - National'),
  account('498', 'Uncategorized Expense'),
  account('820', 'GST', { type: 'CURRLIAB', accountClass: 'LIABILITY', systemAccount: 'GST' }),
  account('800', 'Accounts Payable', { type: 'CURRLIAB', systemAccount: 'CREDITORS' }),
  account('850', 'Suspense', { type: 'CURRLIAB', accountClass: 'LIABILITY' }),
  account('200', 'Sales', { type: 'REVENUE', accountClass: 'REVENUE' }),
];
const usable = suggestableAccounts(chart, ['ID-498']);
const NOW = Date.UTC(2026, 10, 29);
const FROM = historyFromDate(NOW);

let n = 0;
const entry = (
  contact: string,
  code: string | string[],
  extra: Partial<HistoryEntry> = {},
): HistoryEntry => ({
  tenantId: 't1',
  bankTransactionId: `bt-${++n}`,
  type: 'SPEND',
  date: `2026-${String(1 + (n % 10)).padStart(2, '0')}-15`,
  contactId: `c-${nameKeyOf(contact).replace(/ /g, '-')}`,
  contactName: contact,
  nameKey: nameKeyOf(contact),
  accountIds: (Array.isArray(code) ? code : [code]).map((c) => `id-${c}`),
  tokens: [],
  ...extra,
});
const times = (count: number, make: () => HistoryEntry) => Array.from({ length: count }, make);

const task = (contact: string, extra: Partial<TaskToScore> = {}): TaskToScore => ({
  taskId: 'task-1',
  bankTransactionId: 'bt-task',
  type: 'SPEND',
  contactId: `c-${nameKeyOf(contact).replace(/ /g, '-')}`,
  contactName: contact,
  description: '',
  reference: '',
  ...extra,
});

describe('suggestable accounts', () => {
  test('follow the chart as it is now: no bank, archived, system, tax, parking or monitored accounts', () => {
    expect([...usable.values()].map((a) => a.code).sort()).toEqual(['200', '420', '429', '445', '493']);
  });
});

describe('history entries', () => {
  const record = (extra: Partial<BankTransactionRecord> = {}): BankTransactionRecord => ({
    tenantId: 't1',
    bankTransactionId: 'bt-1',
    type: 'SPEND',
    status: 'AUTHORISED',
    date: '2026-10-01',
    contactName: 'Mercury Energy Ltd',
    contactId: 'c-1',
    description: 'Power bill',
    reference: 'INV-1234',
    total: 123.45,
    currency: 'NZD',
    bankAccount: { id: 'bank', name: 'Cheque' },
    lineItems: [
      { accountId: 'id-445', accountCode: '445', lineAmount: 100, description: 'Power bill October' },
      { accountId: 'id-820', accountCode: '820', lineAmount: 0, description: 'GST adjustment' },
    ],
    hasAttachments: false,
    updatedDateUtc: 1,
    isReconciled: false,
    ...extra,
  });

  test('keep ids, words and the date, never an amount; tax-only lines are left out', () => {
    const made = historyEntryOf(record());
    expect(made).toEqual({
      tenantId: 't1',
      bankTransactionId: 'bt-1',
      type: 'SPEND',
      date: '2026-10-01',
      contactId: 'c-1',
      contactName: 'Mercury Energy Ltd',
      nameKey: 'mercury energy',
      accountIds: ['id-445'],
      tokens: ['power', 'bill', 'october', 'gst', 'adjustment'],
    });
    expect(JSON.stringify(made)).not.toContain('123.45');
    expect(JSON.stringify(made)).not.toContain('100');
  });

  test('deleted, voided and transfer transactions leave the index', () => {
    const { put, remove } = historyChangesOf([
      record(),
      record({ bankTransactionId: 'bt-2', status: 'DELETED' }),
      record({ bankTransactionId: 'bt-3', type: 'SPEND-TRANSFER' }),
    ]);
    expect(put.map((e) => e.bankTransactionId)).toEqual(['bt-1']);
    expect(remove).toEqual([
      ['t1', 'bt-2'],
      ['t1', 'bt-3'],
    ]);
  });

  test('words: any script, no numbers or noise words; names lose case, punctuation and legal suffixes', () => {
    expect(tokensOf('INV-1234 Card purchase', 'Café ☕ Zoë')).toEqual(['café', 'zoë']);
    expect(tokensOf('<img src=x onerror=alert(1)>')).toEqual(['img', 'src', 'onerror', 'alert']);
    expect(nameKeyOf('Fuel Stop Ltd.')).toBe(nameKeyOf('fuel  stop'));
  });
});

describe('scoring', () => {
  test('a steady contact: high, with the evidence in words', () => {
    // Its own transaction and another still waiting in Uncategorized are no evidence, and no "archived".
    const index = buildHistoryIndex(
      [
        ...times(8, () => entry('Mercury Energy', '445')),
        entry('Mercury Energy', '498', { bankTransactionId: 'bt-task' }),
        entry('Mercury Energy', '498'),
      ],
      FROM,
    );
    const s = suggestAccount(index, usable, task('Mercury Energy'));
    expect(s.confidence).toBe('high');
    expect(s.account?.code).toBe('445');
    expect(s.evidence).toBe(
      '8 of the last 8 payments to Mercury Energy were coded to 445 Light, Power, Heating',
    );
    expect(s.question).toBeNull();
    // The same contact and words again: the same answer, for that task.
    const again = suggestAccount(
      index,
      usable,
      task('Mercury Energy', { taskId: 'task-2', bankTransactionId: 'bt-x' }),
    );
    expect({ ...again, taskId: s.taskId }).toEqual(s);
    expect(again.taskId).toBe('task-2');
  });

  test('mostly one account: possible, asked as a question', () => {
    const index = buildHistoryIndex(
      [...times(3, () => entry('Mercury Energy', '445')), entry('Mercury Energy', '429')],
      FROM,
    );
    const s = suggestAccount(index, usable, task('Mercury Energy'));
    expect(s.confidence).toBe('possible');
    expect(s.account?.code).toBe('445');
    expect(s.question).toBe('Was this Light, Power, Heating?');
  });

  test('a tie is never high: none, with the split in words', () => {
    const index = buildHistoryIndex(
      [...times(4, () => entry('Countdown', '420')), ...times(4, () => entry('Countdown', '429'))],
      FROM,
    );
    const s = suggestAccount(index, usable, task('Countdown'));
    expect(s.confidence).toBe('none');
    expect(s.account).toBeNull();
    expect(s.evidence).toContain('split');
    expect(s.evidence).toContain('4 to 420 Entertainment');
    expect(s.evidence).toContain('4 to 429 General Expenses');
  });

  test('a tie settled by what was bought: the same contact and the same words', () => {
    const index = buildHistoryIndex(
      [
        ...times(4, () => entry('Uber', '420', { tokens: tokensOf('Uber Eats client lunch') })),
        ...times(4, () => entry('Uber', '493', { tokens: tokensOf('Uber trip') })),
      ],
      FROM,
    );
    const trip = suggestAccount(index, usable, task('Uber', { description: 'Uber trip' }));
    expect(trip.confidence).toBe('high');
    expect(trip.account?.code).toBe('493');
    expect(trip.evidence).toBe(
      '4 of the last 4 payments to Uber for “Uber trip” were coded to 493 Travel - National',
    );
    const lunch = suggestAccount(index, usable, task('Uber', { description: 'Uber Eats client lunch' }));
    expect(lunch.account?.code).toBe('420');
  });

  test('a new contact: none, or possible from the same words used for others, never high', () => {
    const index = buildHistoryIndex(
      times(6, () => entry('Mercury Energy', '445', { tokens: tokensOf('Power bill') })),
      FROM,
    );
    expect(suggestAccount(index, usable, task('Solar Direct')).confidence).toBe('none');
    expect(suggestAccount(index, usable, task('Solar Direct')).evidence).toBe(
      'No earlier payments to Solar Direct in the last 12 months',
    );
    const worded = suggestAccount(index, usable, task('Solar Direct', { description: 'Power bill' }));
    expect(worded.confidence).toBe('possible');
    expect(worded.account?.code).toBe('445');
    expect(worded.evidence).toContain('No earlier payments to Solar Direct; 6 of 6 other payments described');
  });

  test('a renamed contact is found by its ContactID, and the evidence says so', () => {
    const index = buildHistoryIndex(
      times(5, () => entry('Bayside Electricity Ltd', '445', { contactId: 'c-bayside' })),
      FROM,
    );
    const s = suggestAccount(index, usable, task('Bayside Power Co', { contactId: 'c-bayside' }));
    expect(s.confidence).toBe('high');
    expect(s.evidence).toBe(
      '5 of the last 5 payments to Bayside Power Co (formerly Bayside Electricity Ltd) were coded to 445 Light, Power, Heating',
    );
  });

  test('a contact Xero gave a new ContactID is still found by name', () => {
    const index = buildHistoryIndex(
      times(4, () => entry('Fuel Stop Ltd', '493')),
      FROM,
    );
    const s = suggestAccount(index, usable, task('Fuel Stop', { contactId: 'c-new' }));
    expect(s.account?.code).toBe('493');
    expect(s.confidence).toBe('high');
  });

  test('history coded to an account archived since stops counting', () => {
    const index = buildHistoryIndex(
      [...times(10, () => entry('Event Hire', '421')), ...times(3, () => entry('Event Hire', '420'))],
      FROM,
    );
    const s = suggestAccount(index, usable, task('Event Hire'));
    expect(s.confidence).toBe('high');
    expect(s.account?.code).toBe('420');
    expect(s.evidence).toContain('3 of the last 3 payments to Event Hire were coded to 420 Entertainment');
    expect(s.evidence).toContain('10 earlier went to an account that is archived or gone since');
    const only = buildHistoryIndex(
      times(5, () => entry('Old Hire', '421')),
      FROM,
    );
    expect(suggestAccount(only, usable, task('Old Hire')).confidence).toBe('none');
  });

  test('never suggests transfers to bank accounts, tax, system or parking accounts', () => {
    const index = buildHistoryIndex(
      [
        ...times(5, () => entry('Owner', '090')),
        ...times(5, () => entry('Tax Office', '820')),
        ...times(5, () => entry('Supplier', '800')),
        ...times(5, () => entry('Unknown', '498')),
        ...times(5, () => entry('Unknown', '850')),
      ],
      FROM,
    );
    for (const name of ['Owner', 'Tax Office', 'Supplier', 'Unknown'])
      expect(suggestAccount(index, usable, task(name)).account).toBeNull();
  });

  test('payments and receipts are separate; entries older than twelve months and the task itself do not count', () => {
    const index = buildHistoryIndex(
      [
        ...times(5, () => entry('Jones', '200', { type: 'RECEIVE' })),
        ...times(5, () => entry('Jones', '429', { date: '2025-01-01' })),
        entry('Jones', '445', { bankTransactionId: 'bt-task' }),
      ],
      FROM,
    );
    expect(suggestAccount(index, usable, task('Jones', { type: 'RECEIVE' })).account?.code).toBe('200');
    expect(suggestAccount(index, usable, task('Jones', { type: 'RECEIVE' })).evidence).toContain(
      'receipts from Jones',
    );
    expect(suggestAccount(index, usable, task('Jones')).confidence).toBe('none');
  });

  test('one earlier payment is only possible', () => {
    const index = buildHistoryIndex([entry('Once', '429')], FROM);
    const s = suggestAccount(index, usable, task('Once'));
    expect(s.confidence).toBe('possible');
    expect(s.evidence).toBe('The only earlier payment to Once was coded to 429 General Expenses');
  });
});
