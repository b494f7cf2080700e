import { eq, sql } from 'drizzle-orm';
import type { HubDb } from '../db/client.ts';
import { firm } from '../db/schema/index.ts';

/**
 * Change numbers for the changes feed.
 *
 * Why not a PostgreSQL sequence: a sequence hands out numbers when rows are written, not when they
 * commit. With several writers (and several instances), row 11 can commit before row 10; a reader
 * that saw 11 and asks for `since=11` would never see 10. So each firm keeps its own counter in its
 * `firm` row, and a writer bumps it inside its transaction: the row lock is held until commit, so
 * the next writer of that firm waits, and numbers become visible strictly in order. A reader can
 * never skip a row committed late. The cost is that one firm's writes commit one at a time, which
 * batching (one bump per batch of tasks) keeps cheap; different firms never wait for each other.
 *
 * Must be called inside a transaction, after which the caller writes its rows with the numbers
 * returned: `first` … `first + count - 1`.
 */
export async function takeChangeNumbers(tx: HubDb, firmId: string, count: number): Promise<number> {
  const [row] = await tx
    .update(firm)
    .set({ changeSeq: sql`${firm.changeSeq} + ${count}` })
    .where(eq(firm.id, firmId))
    .returning({ last: firm.changeSeq });
  if (!row) throw new Error(`firm ${firmId} is missing`);
  return row.last - count + 1;
}

/** Locks the firm's counter without taking numbers yet (to read-then-write without a race). */
export async function lockFirmChanges(tx: HubDb, firmId: string): Promise<void> {
  await tx.execute(sql`select 1 from ${firm} where ${firm.id} = ${firmId} for update`);
}
