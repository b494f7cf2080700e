import { Dexie } from 'dexie';
import { expect, test } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import type { BankTransactionRecord } from '@/lib/sync/records';

const record = (id: string, extra: Partial<BankTransactionRecord> = {}): BankTransactionRecord => ({
  tenantId: 't1',
  bankTransactionId: id,
  type: 'SPEND',
  status: 'AUTHORISED',
  date: '2026-10-01',
  contactName: 'Bayside Power Co',
  description: 'Power bill',
  reference: '',
  total: 80,
  currency: 'NZD',
  bankAccount: { id: 'bank', name: 'Cheque' },
  lineItems: [{ accountId: 'id-445', accountCode: '445', lineAmount: 80, description: 'Power bill' }],
  hasAttachments: false,
  updatedDateUtc: 1,
  isReconciled: false,
  ...extra,
});

test('v5 seeds the history index from the transactions a v4 database already stored', async () => {
  const name = `migration-${process.pid}`;
  // A database as version 4 left it (same stores as ClientHubDb up to v4).
  const old = new Dexie(name);
  old.version(4).stores({ bankTransactions: '[tenantId+bankTransactionId], tenantId' });
  await old.open();
  await old
    .table('bankTransactions')
    .bulkPut([
      record('bt-1'),
      record('bt-2', { status: 'DELETED' }),
      record('bt-3', { type: 'SPEND-TRANSFER' }),
      { tenantId: 't1', bankTransactionId: 'bt-4', broken: true },
    ]);
  old.close();

  const db = new ClientHubDb(name);
  await db.open();
  expect(db.verno).toBe(8);
  const entries = await db.historyEntries.toArray();
  expect(entries.map((e) => [e.bankTransactionId, e.nameKey, e.accountIds])).toEqual([
    ['bt-1', 'bayside power', ['id-445']],
  ]);
  // Stored before ContactID was kept: found by name until the twelve-month read replaces it.
  expect(entries[0]?.contactId).toBe('');
  expect(await db.bankTransactions.count()).toBe(4);
  db.close();
});
