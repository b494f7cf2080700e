import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { HubDb } from '../db/client.ts';
import { idempotentRequest } from '../db/schema/index.ts';
import type { Clock } from './clock.ts';
import { HubError } from './problems.ts';

export const fingerprintOf = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex');
};

/**
 * Runs a write once per (user, Idempotency-Key): a repeat gets the first answer back. The key is
 * claimed in the same transaction as the write, so a write that fails leaves the key free, and
 * two copies of one request racing on two instances wait for each other (the second insert blocks
 * on the first one's key until it commits) and then replay.
 */
export async function once<T>(
  db: HubDb,
  clock: Clock,
  claim: { userId: string; key: string; fingerprint: string },
  write: (tx: HubDb) => Promise<{ status: number; body: T }>,
): Promise<{ status: number; body: T; replayed: boolean }> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(idempotentRequest)
      .values({ ...claim, status: 0, body: {}, createdAt: clock.now() })
      .onConflictDoNothing()
      .returning({ key: idempotentRequest.key });
    if (claimed.length === 0) {
      const [first] = await tx
        .select()
        .from(idempotentRequest)
        .where(and(eq(idempotentRequest.userId, claim.userId), eq(idempotentRequest.key, claim.key)));
      if (!first) throw new Error('idempotency key vanished');
      if (first.fingerprint !== claim.fingerprint) {
        throw new HubError(
          422,
          'This Idempotency-Key was already used for a different request',
          'Send each new change with a new Idempotency-Key; reuse a key only to retry the very same request.',
        );
      }
      return { status: first.status, body: first.body as T, replayed: true };
    }
    const result = await write(tx);
    await tx
      .update(idempotentRequest)
      .set({ status: result.status, body: result.body as object })
      .where(and(eq(idempotentRequest.userId, claim.userId), eq(idempotentRequest.key, claim.key)));
    return { ...result, replayed: false };
  });
}
