import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SIGN_IN_VALID_SECONDS, type SignInRequest } from '../auth.ts';
import type { HubDb } from '../db/client.ts';
import { firm, firmMember, user } from '../db/schema/index.ts';
import { signInEmail } from '../email/messages.tsx';
import type { Deps, HubServices } from './context.ts';
import { countInWindow } from './rate-limit.ts';

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
 * (by the caller's address, hub/auth.ts) does not stop requests for one person from many addresses, which
 * would flood their inbox and keep replacing their code. The count is kept in better-auth's
 * rate-limit table under a key of its own (the address hashed), so it holds across every instance.
 */
export async function maySendSignInEmail(deps: Deps, email: string): Promise<boolean> {
  const key = `sign-in-email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  const { count } = await countInWindow(
    deps.db,
    key,
    SIGN_IN_EMAIL_WINDOW_SECONDS,
    deps.clock.now().getTime(),
  );
  return count <= SIGN_IN_EMAILS_PER_ADDRESS;
}
