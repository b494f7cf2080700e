import { LOOKUP_BATCH_MAX, type TaskStatus } from '../messaging/page-contract';
import type { askBackground } from './messages';

/** What one transaction's badge shows. */
export type BadgeState =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'pending' }
  | { kind: 'task'; taskId: string; status: TaskStatus; latestActivity?: { text: string; at: number } | null }
  /** `whileReading`: the status could not be read (nothing was pushed); otherwise a push failed. */
  | { kind: 'failed'; message: string; whileReading?: boolean }
  /** Not a transaction that can become a task (a payment, a transfer, deleted, a type not chosen). */
  | { kind: 'other'; label: string; message: string };

type Ask = typeof askBackground;

/** Not known yet: one shared value, so 1,000 rows cost no allocations. */
export const LOADING: BadgeState = { kind: 'loading' };
/** No task yet: shared too, it is most rows' answer. */
const NO_TASK: BadgeState = { kind: 'none' };

/**
 * The Client Tasks of the transactions on this page, for one Xero company. Badges subscribe per
 * transaction; lookups go to the background in batches (one request per batch of rows, never one per
 * row), pushes one at a time per transaction.
 */
export function createTaskStore(tenantId: string, ask: Ask) {
  const states = new Map<string, BadgeState>();
  const listeners = new Map<string, Set<(state: BadgeState) => void>>();
  const everyChange = new Set<(id: string, state: BadgeState) => void>();
  const withActivity = new Set<string>();

  function set(id: string, state: BadgeState) {
    states.set(id, state);
    for (const listener of everyChange) listener(id, state);
    for (const listener of listeners.get(id) ?? []) listener(state);
  }

  async function lookup(ids: readonly string[], includeActivity = false): Promise<void> {
    for (let start = 0; start < ids.length; start += LOOKUP_BATCH_MAX) {
      const batch = ids.slice(start, start + LOOKUP_BATCH_MAX);
      try {
        const { tasks, notPushable } = await ask({
          type: 'tasks.lookup',
          tenantId,
          bankTransactionIds: batch,
          ...(includeActivity ? { includeActivity } : {}),
        });
        const found = new Map(tasks.map((task) => [task.bankTransactionId, task]));
        const others = new Map(notPushable?.map((other) => [other.bankTransactionId, other]));
        for (const id of batch) {
          if (states.get(id)?.kind === 'pending') continue;
          const task = found.get(id);
          const other = others.get(id);
          set(
            id,
            task
              ? {
                  kind: 'task',
                  taskId: task.taskId,
                  status: task.status,
                  ...(task.latestActivity !== undefined ? { latestActivity: task.latestActivity } : {}),
                }
              : other
                ? { kind: 'other', label: other.label, message: other.message }
                : NO_TASK,
          );
        }
      } catch (error) {
        for (const id of batch)
          if (states.get(id)?.kind === 'loading')
            set(id, { kind: 'failed', message: messageOf(error), whileReading: true });
      }
    }
  }

  return {
    tenantId,
    get: (id: string): BadgeState => states.get(id) ?? LOADING,
    subscribe(id: string, listener: (state: BadgeState) => void): () => void {
      const subscribers = listeners.get(id) ?? new Set();
      listeners.set(id, subscribers);
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
    /** Every transaction's changes through one listener: a 1,000-row list needs no listener per row. */
    subscribeAll(listener: (id: string, state: BadgeState) => void): () => void {
      everyChange.add(listener);
      return () => everyChange.delete(listener);
    },
    /** Statuses for newly seen transactions; ids already known are not asked again. */
    load(ids: readonly string[], options: { includeActivity?: boolean } = {}): Promise<void> {
      const fresh = [...new Set(ids)].filter((id) => !states.has(id) || options.includeActivity);
      for (const id of fresh) {
        if (!states.has(id)) states.set(id, LOADING);
        if (options.includeActivity) withActivity.add(id);
      }
      return fresh.length === 0 ? Promise.resolve() : lookup(fresh, options.includeActivity);
    },
    /** Tasks changed elsewhere: ask again for everything on the page. */
    async refresh(): Promise<void> {
      const plain = [...states.keys()].filter((id) => !withActivity.has(id));
      await Promise.all([lookup(plain), withActivity.size > 0 ? lookup([...withActivity], true) : undefined]);
    },
    async push(id: string): Promise<void> {
      const kind = states.get(id)?.kind;
      // Only what may become a task: a payment's or transfer's badge never pushes.
      if (kind === 'pending' || kind === 'other' || kind === 'task') return;
      set(id, { kind: 'pending' });
      try {
        const result = await ask({ type: 'tasks.push', tenantId, bankTransactionId: id });
        set(id, { kind: 'task', taskId: result.taskId, status: result.status });
        if (withActivity.has(id)) await lookup([id], true);
      } catch (error) {
        set(id, { kind: 'failed', message: messageOf(error) });
      }
    },
    async open(taskId: string): Promise<void> {
      await ask({ type: 'tasks.open', taskId });
    },
  };
}
export type TaskStore = ReturnType<typeof createTaskStore>;

function messageOf(error: unknown): string {
  return error instanceof Error && error.message
    ? error.message
    : 'Client Hub could not do that. Try again in a moment.';
}
