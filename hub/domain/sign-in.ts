import { eq } from 'drizzle-orm';
import { SIGN_IN_VALID_SECONDS, type SignInRequest } from '../auth.ts';
import type { HubDb } from '../db/client.ts';
import { firm, firmMember, user } from '../db/schema/index.ts';
import { signInEmail } from '../email/messages.tsx';
import type { HubServices } from './context.ts';

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
