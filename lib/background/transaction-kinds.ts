import { z } from 'zod';
import type { ClientHubDb } from '../db/database';
import type { Connection } from '../db/records';
import type { NotPushable } from '../messaging/page-contract';
import { bankTransactionRecordSchema, type SupportedType } from '../sync/records';
import type { XeroApi } from '../xero/api';

/**
 * Only Spend and Receive Money (of the types the company chose) can become Client Tasks, but Xero's
 * pages link payments, transfers and other entries with the same `bankTransactionID=` parameter (a
 * PaymentID, a BankTransferID). Before a badge offers Push for an id the sync has never seen, Xero is
 * asked what it is: in batches (one call for up to CHECK_BATCH ids), through the governor like every
 * call, and remembered for a while, so scrolling a 1,000-row list costs a few calls, not 1,000.
 */

/** Ids per call: `BankTransactionID==Guid("…") OR …`, about 80 characters each once encoded: a query under 2 KB. */
export const CHECK_BATCH = 25;
/** How long what Xero said about an id is trusted (a transaction can be deleted meanwhile). */
export const CHECK_TTL_MS = 30 * 60_000;

type Seen = { type: string; status: string } | 'unknown';

const checkedSchema = z.object({
  BankTransactions: z.array(
    z.object({ BankTransactionID: z.string(), Type: z.string(), Status: z.string() }).loose(),
  ),
});

const SUFFIX = 'Client Tasks are for Spend and Receive Money.';
const TYPE_WORDS: Record<string, string> = { SPEND: 'Spend Money', RECEIVE: 'Receive Money' };

/** What a transaction is, when it cannot become a task; null when Push may be offered. */
export function notPushableBecause(
  bankTransactionId: string,
  seen: Seen,
  types: readonly SupportedType[],
): NotPushable | null {
  const blocked = (label: string, message: string): NotPushable => ({ bankTransactionId, label, message });
  if (seen === 'unknown')
    return blocked(
      'Payment or transfer',
      `Payment or transfer: Xero has no Spend or Receive Money with this id. ${SUFFIX}`,
    );
  if (seen.status === 'DELETED')
    return blocked('Deleted in Xero', 'Deleted in Xero: a deleted transaction cannot become a Client Task.');
  if (seen.status === 'VOIDED')
    return blocked('Voided in Xero', 'Voided in Xero: a voided transaction cannot become a Client Task.');
  if (seen.type.endsWith('TRANSFER')) return blocked('Transfer', `Transfer: ${SUFFIX}`);
  if (seen.type.endsWith('PREPAYMENT')) return blocked('Prepayment', `Prepayment: ${SUFFIX}`);
  if (seen.type.endsWith('OVERPAYMENT')) return blocked('Overpayment', `Overpayment: ${SUFFIX}`);
  const words = TYPE_WORDS[seen.type];
  if (!words) return blocked('Not for Client Tasks', `This entry is not Spend or Receive Money. ${SUFFIX}`);
  if (!types.includes(seen.type as SupportedType)) {
    const chosen = types.map((t) => TYPE_WORDS[t]).join(' and ');
    return blocked(
      words,
      `${words}: this company's Client Tasks are for ${chosen} only. An Admin can change that in Manage Accounts.`,
    );
  }
  return null;
}

/**
 * How long a lookup waits for Xero's answer about ids the sync never saw. Xero may be slow, or the
 * governor may be waiting out a rate limit: the page's badges must not stay blank meanwhile. Past
 * this, the lookup answers without those ids (Push is offered, as when Xero cannot be asked), and
 * when Xero's answer comes, `answeredLate` tells the pages to ask again.
 */
export const CHECK_WAIT_MS = 4000;

export interface TransactionKindsDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  /** Xero answered about a company's ids after their lookup had answered without them. */
  answeredLate?: (tenantId: string) => void;
  waitMs?: number;
}

export function createTransactionKinds({
  db,
  api,
  now,
  answeredLate,
  waitMs = CHECK_WAIT_MS,
}: TransactionKindsDeps) {
  const cache = new Map<string, { seen: Seen; at: number }>();
  /** Ids Xero is being asked about: a lookup meanwhile (a page that asks again) joins that call. */
  const asking = new Map<string, Promise<void>>();
  /** Calls whose answer came too late for a lookup: the pages are told when it comes. */
  const announced = new WeakSet<Promise<void>>();
  const key = (tenantId: string, id: string) => `${tenantId}\n${id}`;

  async function askXero(connection: Connection, ids: readonly string[]): Promise<void> {
    const { grantId, tenantId } = connection;
    if (!grantId) return;
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += CHECK_BATCH)
      batches.push(ids.slice(start, start + CHECK_BATCH));
    // Side by side: the governor keeps them within Xero's limits; one failed batch spoils no other.
    await Promise.allSettled(
      batches.map(async (batch) => {
        const where = batch.map((id) => `BankTransactionID==Guid("${id}")`).join(' OR ');
        const envelope = await api.json(
          api.accounting('BankTransactions'),
          { grantId, tenantId, searchParams: { where }, priority: 'interactive' },
          checkedSchema,
        );
        const at = now();
        const found = new Map(envelope.BankTransactions.map((t) => [t.BankTransactionID.toLowerCase(), t]));
        for (const id of batch) {
          const t = found.get(id);
          cache.set(key(tenantId, id), { seen: t ? { type: t.Type, status: t.Status } : 'unknown', at });
        }
      }),
    );
  }

  return {
    /**
     * Of these ids (none with a task), the ones that cannot become tasks and why. What the sync stored
     * answers first, then what Xero said recently, then Xero. If Xero cannot be asked now, or has not
     * answered within `waitMs`, those ids are left out (Push is offered; the push itself reads Xero
     * and refuses with a clear message), and a late answer is announced (`answeredLate`).
     */
    async notPushable(
      connection: Connection,
      ids: readonly string[],
      types: readonly SupportedType[],
    ): Promise<NotPushable[]> {
      const { tenantId } = connection;
      const stored = await db.bankTransactions.bulkGet(ids.map((id): [string, string] => [tenantId, id]));
      const seen = new Map<string, Seen>();
      const ask: string[] = [];
      ids.forEach((id, index) => {
        const record = bankTransactionRecordSchema.safeParse(stored[index]);
        const cached = cache.get(key(tenantId, id));
        if (record.success) seen.set(id, { type: record.data.type, status: record.data.status });
        else if (cached && now() - cached.at < CHECK_TTL_MS) seen.set(id, cached.seen);
        else ask.push(id);
      });
      if (ask.length > 0) {
        const fresh = ask.filter((id) => !asking.has(key(tenantId, id)));
        if (fresh.length > 0) {
          const call = askXero(connection, fresh);
          for (const id of fresh) asking.set(key(tenantId, id), call);
          void call.then(() => {
            for (const id of fresh)
              if (asking.get(key(tenantId, id)) === call) asking.delete(key(tenantId, id));
          });
        }
        const calls = new Set(ask.flatMap((id) => asking.get(key(tenantId, id)) ?? []));
        const asked = Promise.all(calls);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const inTime = await Promise.race([
          asked.then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), waitMs);
          }),
        ]);
        clearTimeout(timer);
        if (!inTime)
          for (const call of calls) {
            // Announced once per call, however many lookups gave up waiting on it.
            if (announced.has(call)) continue;
            announced.add(call);
            void call.then(() => answeredLate?.(tenantId));
          }
        for (const id of ask) {
          const cached = cache.get(key(tenantId, id));
          if (cached) seen.set(id, cached.seen);
        }
      }
      return [...seen].flatMap(([id, what]) => notPushableBecause(id, what, types) ?? []);
    },
    /** Forget what Xero said about an id (after a push, or when it changed). */
    forget(tenantId: string, id: string) {
      cache.delete(key(tenantId, id));
    },
  };
}
export type TransactionKinds = ReturnType<typeof createTransactionKinds>;
