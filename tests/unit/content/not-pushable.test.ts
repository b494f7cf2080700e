import { describe, expect, test } from 'vitest';
import { notPushableBecause } from '@/lib/background/transaction-kinds';

const ID = '3f0c2a5e-8b1d-4c6e-9a7f-0123456789ab';
const spendOnly = ['SPEND'] as const;
const both = ['SPEND', 'RECEIVE'] as const;

describe('only bank transactions of the chosen types get Push', () => {
  test('Spend and Receive Money of a chosen type may become tasks', () => {
    expect(notPushableBecause(ID, { type: 'SPEND', status: 'AUTHORISED' }, spendOnly)).toBeNull();
    expect(notPushableBecause(ID, { type: 'RECEIVE', status: 'AUTHORISED' }, both)).toBeNull();
  });

  test.each([
    ['unknown', spendOnly, 'Payment or transfer', 'Client Tasks are for Spend and Receive Money'],
    [
      { type: 'SPEND-TRANSFER', status: 'AUTHORISED' },
      both,
      'Transfer',
      'Transfer: Client Tasks are for Spend',
    ],
    [{ type: 'RECEIVE-PREPAYMENT', status: 'AUTHORISED' }, both, 'Prepayment', 'Prepayment: '],
    [{ type: 'SPEND-OVERPAYMENT', status: 'AUTHORISED' }, both, 'Overpayment', 'Overpayment: '],
    [{ type: 'SPEND', status: 'DELETED' }, both, 'Deleted in Xero', 'deleted transaction'],
    [{ type: 'SPEND', status: 'VOIDED' }, both, 'Voided in Xero', 'voided transaction'],
    [{ type: 'RECEIVE', status: 'AUTHORISED' }, spendOnly, 'Receive Money', 'for Spend Money only'],
  ] as const)('%o (types %o) is “%s”', (seen, types, label, words) => {
    const verdict = notPushableBecause(ID, seen, types);
    expect(verdict).toMatchObject({ bankTransactionId: ID, label });
    expect(verdict?.message).toContain(words);
  });
});
