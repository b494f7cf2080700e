import { Hono } from 'hono';
import { z } from 'zod';
import { findClient } from '../config.ts';
import type { SandboxContext } from '../context.ts';
import type { BankTransaction, HistoryRecord } from '../data/model.ts';
import { totalsOf } from '../data/model.ts';
import type { ApiEnv } from './env.ts';
import { notFound, validationException } from './errors.ts';
import { requireScope } from './pipeline.ts';
import { envelope, historyJson } from './xero-json.ts';

const historyBody = z.object({ HistoryRecords: z.array(z.looseObject({ Details: z.string() })).min(1) });

const TYPE_WORDS: Record<string, string> = { SPEND: 'Spend Money', RECEIVE: 'Receive Money' };

/** The "Created" entry Xero shows first; derived rather than stored so 150,000 transactions stay cheap. */
export function createdRecord(transaction: BankTransaction): HistoryRecord {
  const what = TYPE_WORDS[transaction.type] ?? transaction.type;
  return {
    changes: 'Created',
    details: `${what} to ${transaction.contact.name} for ${totalsOf(transaction).total.toFixed(2)}`,
    user: 'System Generated',
    at: transaction.createdAt,
  };
}

/** History and notes of bank transactions (scope accounting.banktransactions). */
export function historyRoutes(ctx: SandboxContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const path = '/BankTransactions/:id/History';

  app.get(path, requireScope('accounting.banktransactions', 'read'), (c) => {
    const data = c.get('organisation');
    const id = c.req.param('id').toLowerCase();
    const transaction = data.transactionsById.get(id);
    if (!transaction) return notFound();
    const records = [createdRecord(transaction), ...(data.history.get(id) ?? [])];
    // Xero lists newest first.
    return c.json(envelope(ctx, { HistoryRecords: records.reverse().map(historyJson) }));
  });

  app.put(path, requireScope('accounting.banktransactions', 'write'), async (c) => {
    const data = c.get('organisation');
    const id = c.req.param('id').toLowerCase();
    if (!data.transactionsById.has(id)) return notFound();
    const parsed = historyBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return validationException(['HistoryRecords with Details are required.'], id);
    const max = ctx.state.limits.historyNoteMaxLength;
    const problems = parsed.data.HistoryRecords.flatMap(({ Details }) =>
      Details.trim().length === 0
        ? ['The Details of a history note cannot be empty.']
        : Details.length > max
          ? [`The history note is too long: at most ${max} characters are allowed (${Details.length} sent).`]
          : [],
    );
    if (problems.length > 0) return validationException(problems, id);
    const user = findClient(c.get('principal').clientId)?.appName ?? 'Xero API';
    const at = ctx.clock.now();
    const added = parsed.data.HistoryRecords.map(({ Details }) => ({
      changes: 'Note',
      details: Details,
      user,
      at,
    }));
    data.history.set(id, [...(data.history.get(id) ?? []), ...added]);
    return c.json(envelope(ctx, { HistoryRecords: added.map(historyJson) }));
  });

  return app;
}
