import type { AccountRecord } from '@/lib/sync/records';

/** An account of a test chart, stored as the sync stores it: an active expense account unless `extra` says otherwise. */
export const account = (code: string, name: string, extra: Partial<AccountRecord> = {}): AccountRecord => ({
  tenantId: 't1',
  accountId: `id-${code}`,
  code,
  name,
  type: 'EXPENSE',
  accountClass: 'EXPENSE',
  status: 'ACTIVE',
  isBankAccount: false,
  ...extra,
});
