import type { AccountRecord } from './records';

/** Account names bookkeepers park unexplained transactions in: Manage Accounts offers these first. */
const LIKELY_NAMES = [/uncategori[sz]ed/i, /suspense/i, /ask my accountant/i, /push to client hub/i];

export interface AccountChoices {
  /** Likely accounts, in the order of LIKELY_NAMES. */
  suggested: AccountRecord[];
  /** Every choosable account grouped by class (EXPENSE, REVENUE, ...), by code within a class. */
  byClass: Record<string, AccountRecord[]>;
}

/**
 * What the Manage Accounts dialog lists: active accounts a transaction can be coded to (bank accounts
 * are where money moves, never where it is coded), optionally narrowed by a search over code and name.
 */
export function accountChoices(accounts: readonly AccountRecord[], search = ''): AccountChoices {
  const needle = search.trim().toLowerCase();
  const choosable = accounts
    .filter((a) => a.status === 'ACTIVE' && !a.isBankAccount)
    .filter((a) => needle === '' || `${a.code} ${a.name}`.toLowerCase().includes(needle))
    .sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }) || a.name.localeCompare(b.name));
  const rank = (a: AccountRecord) => LIKELY_NAMES.findIndex((pattern) => pattern.test(a.name));
  const suggested = choosable.filter((a) => rank(a) >= 0).sort((a, b) => rank(a) - rank(b));
  const byClass: Record<string, AccountRecord[]> = {};
  for (const account of choosable) {
    const group = account.accountClass || 'OTHER';
    byClass[group] = [...(byClass[group] ?? []), account];
  }
  return { suggested, byClass };
}
