import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { HubDb } from '../db/client.ts';
import { rateLimit } from '../db/schema/index.ts';

/**
 * Counts one more request under `key` in better-auth's rate-limit table, so a limit holds across
 * every instance sharing the database. A window starts with the first request after the last one
 * ended; `startedAt` says when the current one started (epoch ms).
 */
export async function countInWindow(
  db: HubDb,
  key: string,
  windowSeconds: number,
  now: number,
): Promise<{ count: number; startedAt: number }> {
  const expired = sql`${rateLimit.lastRequest} < ${now - windowSeconds * 1000}`;
  const [row] = await db
    .insert(rateLimit)
    .values({ id: randomUUID(), key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimit.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimit.count} + 1 end`,
        lastRequest: sql`case when ${expired} then ${now} else ${rateLimit.lastRequest} end`,
      },
    })
    .returning({ count: rateLimit.count, startedAt: rateLimit.lastRequest });
  return { count: row?.count ?? 1, startedAt: row?.startedAt ?? now };
}
