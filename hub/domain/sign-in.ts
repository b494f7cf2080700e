import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { SIGN_IN_VALID_SECONDS, type SignInRequest } from '../auth.ts';
import type { HubDb } from '../db/client.ts';
import { firm, firmMember, rateLimit, user } from '../db/schema/index.ts';
import { signInEmail } from '../email/messages.tsx';
import type { Deps, HubServices } from './context.ts';

/** Where an emailed sign-in link lands: a page that asks for one tap before it signs in. */
export const SIGN_IN_LINK_PATH = '/portal/sign-in/link';

export const signInLinkUrl = (publicUrl: string, token: string) =>
  `${publicUrl}${SIGN_IN_LINK_PATH}?token=${encodeURIComponent(token)}`;

/** The firm of the person with this address (their emails carry its name). */
export async function firmNameOfEmail(db: HubDb, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ name: firm.name })
    .from(user)
    .innerJoin(firmMember, eq(firmMember.userId, user.id))
    .innerJoin(firm, eq(firm.id, firmMember.firmId))
    .where(eq(user.email, email.trim().toLowerCase()));
  return row?.name;
}

export async function sendSignInEmail(services: HubServices, request: SignInRequest) {
  const firmName = (await firmNameOfEmail(services.db, request.email)) ?? 'Client Hub';
  await services.mailer.send(
    signInEmail({
      firmName,
      to: request.email,
      url: signInLinkUrl(services.publicUrl, request.token),
      code: request.code,
      validSeconds: SIGN_IN_VALID_SECONDS,
    }),
  );
}

/** Sign-in emails one address may be sent per window, whoever asks and from wherever. */
export const SIGN_IN_EMAILS_PER_ADDRESS = 5;
/** As long as a link or code works: by the time the window ends, the first email's link has expired. */
export const SIGN_IN_EMAIL_WINDOW_SECONDS = 15 * 60;

/**
 * Counts one more sign-in email to `email` and says whether it may go. The per-caller limit
 * (better-auth's, by address) does not stop requests for one person from many addresses, which
 * would flood their inbox and keep replacing their code. The count is kept in better-auth's
 * rate-limit table under a key of its own (the address hashed), so it holds across every instance.
 */
export async function maySendSignInEmail(deps: Deps, email: string): Promise<boolean> {
  const key = `sign-in-email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  const now = deps.clock.now().getTime();
  const windowStart = now - SIGN_IN_EMAIL_WINDOW_SECONDS * 1000;
  const expired = sql`${rateLimit.lastRequest} < ${windowStart}`;
  const [row] = await deps.db
    .insert(rateLimit)
    .values({ id: randomUUID(), key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimit.key,
      // A window starts with the first email after the last one ended.
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimit.count} + 1 end`,
        lastRequest: sql`case when ${expired} then ${now} else ${rateLimit.lastRequest} end`,
      },
    })
    .returning({ count: rateLimit.count });
  return (row?.count ?? 1) <= SIGN_IN_EMAILS_PER_ADDRESS;
}
