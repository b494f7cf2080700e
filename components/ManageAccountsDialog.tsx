import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Connection } from '@/lib/db/records';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError, ResponseOf } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { isolated } from '@/lib/text/hostile';
import { Dialog } from './Dialog';
import { ProblemNotice } from './ProblemNotice';
import { XeroText } from './XeroText';

type Loaded = ResponseOf<'accounts.list'>;
type TransactionType = Loaded['types'][number];

const CLASS_NAMES: Record<string, string> = {
  EXPENSE: 'Expenses',
  LIABILITY: 'Liabilities',
  ASSET: 'Assets',
  REVENUE: 'Revenue',
  EQUITY: 'Equity',
};

interface Props {
  row: Connection;
  canChange: boolean;
  onClose: () => void;
  onSaved: (message: string) => void;
}

/** Chooses the monitored accounts of one Xero company, and which transaction types become tasks. */
export function ManageAccountsDialog({ row, canChange, onClose, onSaved }: Props) {
  const name = isolated(row.organisation?.name ?? row.tenantName);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [types, setTypes] = useState<Set<TransactionType>>(new Set(['SPEND']));
  const [search, setSearch] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    ask({ type: 'accounts.list', tenantId: row.tenantId }).then(
      (result) => {
        setLoaded(result);
        setChosen(new Set(result.monitoredAccountIds.map((id) => id.toLowerCase())));
        setTypes(new Set(result.types));
      },
      (error) =>
        setProblem(
          error instanceof BackgroundError ? error.detail : { code: 'unknown', message: String(error) },
        ),
    );
  }, [row.tenantId]);

  const groups = useMemo(() => {
    const term = search.trim().toLowerCase();
    const visible = (loaded?.accounts ?? []).filter(
      (a) => !term || a.name.toLowerCase().includes(term) || a.code.toLowerCase().includes(term),
    );
    const suggested = visible.filter((a) => a.suggested);
    const byClass = new Map<string, typeof visible>();
    for (const account of visible.filter((a) => !a.suggested)) {
      const list = byClass.get(account.accountClass) ?? [];
      list.push(account);
      byClass.set(account.accountClass, list);
    }
    return [
      ...(suggested.length ? [['Suggested', suggested] as const] : []),
      ...[...byClass].map(([key, list]) => [CLASS_NAMES[key] ?? key, list] as const),
    ];
  }, [loaded, search]);

  const toggle = (accountId: string) =>
    setChosen((current) => {
      const next = new Set(current);
      const key = accountId.toLowerCase();
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const toggleType = (type: TransactionType) =>
    setTypes((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });

  async function save(event: Event) {
    event.preventDefault();
    if (chosen.size === 0)
      return setProblem({ code: 'choose', message: 'Choose at least one account to monitor.' });
    if (types.size === 0)
      return setProblem({ code: 'choose', message: 'Choose at least one kind of transaction.' });
    setSaving(true);
    try {
      await ask({
        type: 'accounts.save',
        tenantId: row.tenantId,
        monitoredAccountIds: [...chosen],
        types: [...types],
      });
      onSaved(`Saved ${name}’s accounts. Looking for transactions from the last 90 days…`);
      onClose();
    } catch (error) {
      setProblem(
        error instanceof BackgroundError ? error.detail : { code: 'unknown', message: String(error) },
      );
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog title={`Manage Accounts: ${name}`} onClose={onClose}>
      <form onSubmit={save} class="manage-accounts">
        <p>
          Transactions coded to the accounts you choose (such as Uncategorized Expense or Suspense) become
          Client Tasks.
        </p>
        {problem && <ProblemNotice problem={problem} />}
        {!loaded && !problem && <p class="muted">Loading {name}’s chart of accounts from Xero…</p>}
        {loaded && (
          <>
            <p>
              <label for="account-search">Search accounts</label>
              <input
                id="account-search"
                type="search"
                value={search}
                onInput={(e) => setSearch(e.currentTarget.value)}
              />
            </p>
            <div class="account-list">
              {groups.map(([title, accounts]) => (
                <fieldset key={title} disabled={!canChange}>
                  <legend>{title}</legend>
                  {accounts.map((account) => (
                    <label key={account.accountId}>
                      <input
                        type="checkbox"
                        checked={chosen.has(account.accountId.toLowerCase())}
                        onChange={() => toggle(account.accountId)}
                      />{' '}
                      {account.code ? `${account.code} · ` : ''}
                      <XeroText text={account.name} />
                    </label>
                  ))}
                </fieldset>
              ))}
              {groups.length === 0 && <p class="muted">No account matches “{search}”.</p>}
            </div>
            <fieldset disabled={!canChange}>
              <legend>Which transactions become tasks</legend>
              <label>
                <input type="checkbox" checked={types.has('SPEND')} onChange={() => toggleType('SPEND')} />{' '}
                Spend Money
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={types.has('RECEIVE')}
                  onChange={() => toggleType('RECEIVE')}
                />{' '}
                Receive Money
              </label>
              <p class="muted">
                Transfers, prepayments and overpayments are not supported, so they never become tasks.
              </p>
            </fieldset>
          </>
        )}
        <p class="buttons">
          {canChange && loaded && (
            <button type="submit" class="primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save and find transactions'}
            </button>
          )}
          <button type="button" onClick={onClose}>
            {canChange ? 'Cancel' : 'Close'}
          </button>
        </p>
      </form>
    </Dialog>
  );
}
