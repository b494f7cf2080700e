import type { Context, Hono } from 'hono';
import { type HubAuth, sessionHeaders } from '../auth.ts';
import type { HubServices } from '../domain/context.ts';
import { HubError } from '../domain/problems.ts';
import { findMember, listFirmUsers } from '../domain/users.ts';
import { SENT_MAIL_PATH, sentMailListPage, sentMailPage } from '../email/sent-mail-page.tsx';
import { PAGE_HEADERS } from '../portal/layout.tsx';

/** Loopback: the person at the computer that runs the hub. */
export const isLoopback = (address: string) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** Inline styles are allowed only because emails carry them (the preview frame); never scripts. */
const SENT_MAIL_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Who may read kept mail: it holds sign-in links, so only the person at the hub's own computer
 * (a request from 127.0.0.1 that no proxy forwarded) sees all of it, and a signed-in Admin sees what
 * went to people of their own firm. Anyone else gets 403.
 */
async function readerOf(c: Context, services: HubServices, auth: HubAuth, address: string) {
  if (isLoopback(address)) return { all: true as const };
  const session = await auth.api.getSession({ headers: sessionHeaders(c.req.raw.headers) });
  const member = session ? await findMember(services.db, session.user.id) : undefined;
  if (member?.role !== 'Admin') {
    throw new HubError(
      403,
      'Sent mail is shown only on the computer that runs Client Hub',
      'Open this page on that computer (http://127.0.0.1…), or sign in as an Admin of the firm.',
    );
  }
  const people = await listFirmUsers(services.db, member.firmId);
  return { all: false as const, emails: new Set(people.map((p) => p.email.toLowerCase())) };
}

/** The local Sent mail page: served only when mail is kept in the data folder (no SMTP). */
export function mountSentMail(
  app: Hono,
  services: HubServices,
  auth: HubAuth,
  clientAddress: (c: Context) => string,
) {
  const store = services.sentMail;
  if (!store) return;
  const page = (html: string, status: 200 | 404 = 200) =>
    new Response(html, {
      status,
      headers: { ...PAGE_HEADERS, 'content-security-policy': SENT_MAIL_CSP },
    });
  app.get(SENT_MAIL_PATH, async (c) => {
    const reader = await readerOf(c, services, auth, clientAddress(c));
    const mail = await store.list();
    return page(
      sentMailListPage(reader.all ? mail : mail.filter((m) => reader.emails.has(m.to.toLowerCase()))),
    );
  });
  app.get(`${SENT_MAIL_PATH}/:id`, async (c) => {
    const reader = await readerOf(c, services, auth, clientAddress(c));
    const mail = await store.get(c.req.param('id'));
    if (!mail || (!reader.all && !reader.emails.has(mail.to.toLowerCase()))) {
      throw new HubError(
        404,
        'There is no such message',
        'Go back to the Sent mail list and pick one from there.',
      );
    }
    return page(sentMailPage(mail));
  });
}
