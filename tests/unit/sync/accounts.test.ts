import { expect, test } from 'vitest';
import { accountChoices } from '@/lib/sync/accounts';
import { account } from '../../support/accounts';

const chart = [
  account('090', 'Business Cheque', { type: 'BANK', accountClass: 'ASSET', isBankAccount: true }),
  account('453', 'Office Expenses'),
  account('999', 'Suspense', { accountClass: 'LIABILITY' }),
  account('998', 'Uncategorised Expense'),
  account('997', 'Push to Client Hub'),
  account('470', 'Old Travel', { status: 'ARCHIVED' }),
  account('200', 'Sales', { accountClass: 'REVENUE' }),
];

test('Manage Accounts suggests the likely accounts first and leaves out bank and archived accounts', () => {
  const { suggested, byClass } = accountChoices(chart);
  expect(suggested.map((a) => a.name)).toEqual(['Uncategorised Expense', 'Suspense', 'Push to Client Hub']);
  expect(Object.keys(byClass).sort()).toEqual(['EXPENSE', 'LIABILITY', 'REVENUE']);
  expect(byClass.EXPENSE?.map((a) => a.code)).toEqual(['453', '997', '998']);
});

test('search matches code or name', () => {
  expect(accountChoices(chart, 'office').byClass.EXPENSE?.map((a) => a.code)).toEqual(['453']);
  expect(accountChoices(chart, '99').suggested).toHaveLength(3);
});
