import type { AccountRecord } from '../sync/records';
import type { Confidence, HistoryEntry, Suggestion } from './records';
import { nameKeyOf, tokensOf } from './tokens';

/**
 * Suggested accounts from the company's own history. The index groups a company's coded Spend and
 * Receive Money by contact (ContactID, else the normalised name) and by word; scoring reads only the
 * task's contact and words, so 10,000 tasks take milliseconds. Accounts are judged against the chart
 * as it is now: archived, system, bank, parking (uncategorised, suspense, monitored) and tax accounts
 * never count, so history coded to an account archived since simply stops counting.
 */

export const HISTORY_MONTHS = 12;
/** High confidence: at least this many earlier transactions, and this share of them to one account. */
const HIGH_MIN = 3;
const HIGH_SHARE = 0.9;
const POSSIBLE_SHARE = 0.6;
/** Words alone (a new contact) are never more than "possible". */
const WORD_MIN = 3;
const WORD_SHARE = 0.8;
/** How alike two descriptions must be (shared words / all words) to count as "the same purchase". */
const SAME_WORDS = 0.5;
/** How many of a contact's latest transactions count ("8 of the last 8 …"). */
const RECENT = 40;

const PARKING = [/uncategori[sz]ed/i, /suspense/i, /ask my accountant/i, /push to client hub/i, /clearing/i];
const TAX = /\b(gst|vat|sales tax|tax payable|withholding)\b/i;

type Kind = 'SPEND' | 'RECEIVE';
interface Compact {
  id: string;
  date: string;
  contactName: string;
  accountIds: readonly string[];
  tokens: readonly string[];
}

export interface HistoryIndex {
  byContact: Map<string, Compact[]>;
  byName: Map<string, Compact[]>;
  byWord: Map<string, Map<string, number>>;
  entries: number;
  /**
   * Tallies already worked out for a contact (and for a contact and some words), for one set of
   * usable accounts: a firm's tasks come from the same few dozen contacts, so each is counted once.
   */
  memo: Memo;
}

interface Memo {
  usable: UsableAccounts | null;
  tallies: Map<string, Tally>;
  /** Whole answers by what the task shows (contact, words), with the transactions they counted. */
  answers: Map<string, { suggestion: Omit<Suggestion, 'taskId'>; counted: ReadonlySet<string> }>;
}

const freshMemo = (usable: UsableAccounts | null): Memo => ({
  usable,
  tallies: new Map(),
  answers: new Map(),
});

const key = (type: string, id: string) => `${type}|${id}`;

function push<K, V>(map: Map<K, V[]>, k: K, value: V) {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}

/** `YYYY-MM-DD` twelve months before `now`: older entries stop counting. */
export function historyFromDate(now: number, months = HISTORY_MONTHS): string {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}

export function buildHistoryIndex(entries: readonly HistoryEntry[], fromDate: string): HistoryIndex {
  const index: HistoryIndex = {
    byContact: new Map(),
    byName: new Map(),
    byWord: new Map(),
    entries: 0,
    memo: freshMemo(null),
  };
  // Newest first, once: every contact's list comes out in date order.
  const sorted = [...entries].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  for (const entry of sorted) {
    if (entry.date < fromDate || entry.accountIds.length === 0) continue;
    index.entries++;
    const compact: Compact = {
      id: entry.bankTransactionId,
      date: entry.date,
      contactName: entry.contactName,
      accountIds: entry.accountIds,
      tokens: entry.tokens,
    };
    if (entry.contactId) push(index.byContact, key(entry.type, entry.contactId), compact);
    if (entry.nameKey) push(index.byName, key(entry.type, entry.nameKey), compact);
    for (const word of entry.tokens) {
      const k = key(entry.type, word);
      let counts = index.byWord.get(k);
      if (!counts) {
        counts = new Map();
        index.byWord.set(k, counts);
      }
      for (const accountId of entry.accountIds) counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
    }
  }
  return index;
}

/** Which accounts may be suggested: the chart as it is now, without the places money only waits in. */
export function suggestableAccounts(
  chart: readonly AccountRecord[],
  monitoredAccountIds: readonly string[],
): UsableAccounts {
  const monitored = new Set(monitoredAccountIds.map((id) => id.toLowerCase()));
  const usable = new Map<string, AccountRecord>();
  const parked = new Set<string>();
  for (const account of chart) {
    if (account.status !== 'ACTIVE') continue;
    const never =
      account.isBankAccount ||
      Boolean(account.systemAccount) ||
      monitored.has(account.accountId) ||
      account.type === 'BANK' ||
      PARKING.some((pattern) => pattern.test(account.name)) ||
      TAX.test(account.name);
    if (never) parked.add(account.accountId);
    else usable.set(account.accountId, account);
  }
  return Object.assign(usable, { parked });
}

/**
 * Accounts a suggestion may name, by AccountID; `parked` are the active ones it never names (bank,
 * system, tax, parking, monitored): history there is not "archived since", just not evidence.
 */
export type UsableAccounts = ReadonlyMap<string, AccountRecord> & { readonly parked?: ReadonlySet<string> };

export interface TaskToScore {
  taskId: string;
  bankTransactionId: string;
  type: string;
  contactId: string;
  contactName: string;
  description: string;
  reference: string;
}

export interface Tally {
  total: number;
  counts: Map<string, { count: number; latest: string }>;
  /** Entries that only went to accounts no longer usable (archived since, deleted). */
  dropped: Map<string, number>;
}

function tally(entries: readonly Compact[], usable: UsableAccounts, skipId: string): Tally {
  const result: Tally = { total: 0, counts: new Map(), dropped: new Map() };
  for (const entry of entries) {
    if (entry.id === skipId) continue;
    const accounts = entry.accountIds.filter((id) => usable.has(id));
    if (accounts.length === 0) {
      // Archived or deleted since (not somewhere money only waits, like the task's own account).
      const retired = entry.accountIds.filter((id) => !usable.parked?.has(id));
      for (const id of retired) result.dropped.set(id, (result.dropped.get(id) ?? 0) + 1);
      continue;
    }
    result.total++;
    for (const id of accounts) {
      const seen = result.counts.get(id);
      if (!seen) result.counts.set(id, { count: 1, latest: entry.date });
      else seen.count++;
    }
  }
  return result;
}

/** Whether an entry is evidence at all: coded to an account a suggestion may name. */
const counts = (entry: Compact, usable: UsableAccounts) => entry.accountIds.some((id) => usable.has(id));

/** A tally through the index's memo, unless the task's own transaction is among the entries. */
function tallyOf(
  index: HistoryIndex,
  memoKey: string,
  entries: readonly Compact[],
  usable: UsableAccounts,
  skipId: string,
): Tally {
  if (entries.some((e) => e.id === skipId && counts(e, usable))) return tally(entries, usable, skipId);
  let found = index.memo.tallies.get(memoKey);
  if (!found) {
    found = tally(entries, usable, skipId);
    index.memo.tallies.set(memoKey, found);
  }
  return found;
}

/** Accounts by how often they were used, the most recently used first among equals. */
function ranked(t: Tally) {
  return [...t.counts].sort(
    ([, a], [, b]) => b.count - a.count || (a.latest < b.latest ? 1 : a.latest > b.latest ? -1 : 0),
  );
}

const words = (account: AccountRecord) => [account.code, account.name].filter(Boolean).join(' ');

function confidenceOf(t: Tally): { accountId: string; count: number; confidence: Confidence } | null {
  const [first, second] = ranked(t);
  if (!first || t.total === 0) return null;
  const [accountId, { count }] = first;
  const tie = second !== undefined && second[1].count === count;
  const share = count / t.total;
  if (!tie && count >= HIGH_MIN && share >= HIGH_SHARE) return { accountId, count, confidence: 'high' };
  if (!tie && (share >= POSSIBLE_SHARE || t.total === 1)) return { accountId, count, confidence: 'possible' };
  return { accountId, count, confidence: 'none' };
}

function similarity(a: ReadonlySet<string>, b: readonly string[]): number {
  if (a.size === 0 || b.length === 0) return 0;
  let shared = 0;
  for (const word of b) if (a.has(word)) shared++;
  return shared / (a.size + b.length - shared);
}

/**
 * The most likely account for one task, with its evidence in words. `index` and `usable` are built
 * once per company; this reads only the task's contact and words.
 */
export function suggestAccount(index: HistoryIndex, usable: UsableAccounts, task: TaskToScore): Suggestion {
  if (index.memo.usable !== usable) index.memo = freshMemo(usable);
  // Tasks showing the same contact and words get the same answer, unless one counted the task itself.
  // A reference is mostly a number ("INV-1234"): only its words tell tasks apart.
  const shown = `${task.type}|${task.contactId}|${task.contactName}|${task.description}|${tokensOf(task.reference).join(' ')}`;
  const known = index.memo.answers.get(shown);
  if (known && !known.counted.has(task.bankTransactionId))
    return { ...known.suggestion, taskId: task.taskId };
  const counted = new Set<string>();
  const suggestion = score(index, usable, task, counted);
  const { taskId: _, ...answer } = suggestion;
  index.memo.answers.set(shown, { suggestion: answer, counted });
  return suggestion;
}

function score(
  index: HistoryIndex,
  usable: UsableAccounts,
  task: TaskToScore,
  counted: Set<string>,
): Suggestion {
  const type: Kind = task.type === 'RECEIVE' ? 'RECEIVE' : 'SPEND';
  const what = type === 'SPEND' ? 'payments to' : 'receipts from';
  const name = task.contactName.trim() || 'this contact';
  const none = (evidence: string): Suggestion => ({
    taskId: task.taskId,
    confidence: 'none',
    account: null,
    evidence,
    question: null,
  });
  const make = (accountId: string, confidence: Confidence, evidence: string): Suggestion => {
    const account = usable.get(accountId) as AccountRecord;
    return {
      taskId: task.taskId,
      confidence,
      account: { id: account.accountId, code: account.code, name: account.name },
      evidence,
      question: confidence === 'possible' ? `Was this ${account.name}?` : null,
    };
  };

  const byId = task.contactId ? index.byContact.get(key(type, task.contactId.toLowerCase())) : undefined;
  const nameKey = nameKeyOf(task.contactName);
  // The contact's most recent transactions: habits change, and it keeps each task's work small.
  const groupKey = byId?.length ? `id|${type}|${task.contactId.toLowerCase()}` : `name|${type}|${nameKey}`;
  const history = (byId?.length ? byId : nameKey ? index.byName.get(key(type, nameKey)) : undefined)?.slice(
    0,
    RECENT,
  );
  // The contact's own words say little about the purchase ("Uber" in "Uber trip").
  const nameWords = new Set(tokensOf(task.contactName));
  const taskWords = new Set(tokensOf(task.description, task.reference).filter((w) => !nameWords.has(w)));

  for (const entry of history ?? []) if (counts(entry, usable)) counted.add(entry.id);
  if (history?.length) {
    const formerNames = [...new Set(history.map((e) => e.contactName.trim()))].filter(
      (n) => n && nameKeyOf(n) !== nameKey,
    );
    const who = `${what} ${name}${formerNames.length > 0 ? ` (formerly ${formerNames.slice(0, 2).join(', ')})` : ''}`;
    const all = tallyOf(index, groupKey, history, usable, task.bankTransactionId);
    const overall = confidenceOf(all);
    const droppedWords = () => {
      const [id, n] = [...all.dropped].sort((a, b) => b[1] - a[1])[0] ?? [];
      return id && n ? `; ${n} earlier went to an account that is archived or gone since` : '';
    };
    // The same contact, bought the same thing: settles contacts used for two kinds of purchase.
    if (overall?.confidence !== 'high' && taskWords.size > 0) {
      const alikeKey = `${groupKey}|${[...taskWords].sort().join(' ')}|${[...nameWords].join(' ')}`;
      const alike = index.memo.tallies.has(alikeKey)
        ? []
        : history.filter(
            (e) =>
              similarity(
                taskWords,
                e.tokens.filter((w) => !nameWords.has(w)),
              ) >= SAME_WORDS,
          );
      const same = tallyOf(index, alikeKey, alike, usable, task.bankTransactionId);
      const narrow = confidenceOf(same);
      if (narrow && narrow.confidence !== 'none') {
        const account = usable.get(narrow.accountId) as AccountRecord;
        const said = task.description.trim().slice(0, 60);
        return make(
          narrow.accountId,
          narrow.confidence,
          `${narrow.count} of the last ${same.total} ${who} for “${said}” were coded to ${words(account)}`,
        );
      }
    }
    if (overall && overall.confidence !== 'none') {
      const account = usable.get(overall.accountId) as AccountRecord;
      return make(
        overall.accountId,
        overall.confidence,
        all.total === 1
          ? `The only earlier ${who.replace(/^payments to/, 'payment to').replace(/^receipts from/, 'receipt from')} was coded to ${words(account)}${droppedWords()}`
          : `${overall.count} of the last ${all.total} ${who} were coded to ${words(account)}${droppedWords()}`,
      );
    }
    if (all.total > 0) {
      const split = ranked(all)
        .slice(0, 3)
        .map(([id, { count }]) => `${count} to ${words(usable.get(id) as AccountRecord)}`)
        .join(', ');
      return none(`The last ${all.total} ${who} were split: ${split}`);
    }
    if (all.dropped.size > 0)
      return none(`Earlier ${who} went only to accounts that are archived or gone since`);
  }

  // A new contact: what the same words were coded to for anyone else.
  let best: { accountId: string; count: number; total: number; word: string } | null = null;
  for (const word of taskWords) {
    const counts = index.byWord.get(key(type, word));
    if (!counts) continue;
    let total = 0;
    let top: [string, number] | null = null;
    for (const [id, count] of counts) {
      if (!usable.has(id)) continue;
      total += count;
      if (!top || count > top[1]) top = [id, count];
    }
    if (!top || top[1] < WORD_MIN || top[1] / total < WORD_SHARE) continue;
    if (
      !best ||
      top[1] / total > best.count / best.total ||
      (top[1] / total === best.count / best.total && total > best.total)
    )
      best = { accountId: top[0], count: top[1], total, word };
  }
  if (best) {
    const account = usable.get(best.accountId) as AccountRecord;
    return make(
      best.accountId,
      'possible',
      `No earlier ${what} ${name}; ${best.count} of ${best.total} other ${type === 'SPEND' ? 'payments' : 'receipts'} described “${best.word}” were coded to ${words(account)}`,
    );
  }
  return none(`No earlier ${what} ${name} in the last ${HISTORY_MONTHS} months`);
}
