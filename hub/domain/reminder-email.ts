import { html } from 'hono/html';

/** The digest one client user gets: how many questions are open, and a link to sign in and answer. */
export interface ReminderDigest {
  firmName: string;
  workspaceName: string;
  recipientName: string;
  openQuestions: number;
  signInUrl: string;
}

/** The portal's sign-in page with the person's address filled in (they still get a one-time link). */
export function portalSignInUrl(publicUrl: string, email: string): string {
  const url = new URL('/portal/sign-in', publicUrl);
  url.searchParams.set('email', email);
  return url.toString();
}

const questions = (n: number) => (n === 1 ? '1 question' : `${n} questions`);

/**
 * Plain text and HTML parts; names come from people and are escaped (hono's html template), and the
 * HTML has no external images or styles, so it reads the same in every mail client.
 */
export function reminderEmail(digest: ReminderDigest) {
  const waiting = `${questions(digest.openQuestions)} for ${digest.workspaceName}`;
  const subject = `${digest.firmName}: ${waiting} ${digest.openQuestions === 1 ? 'is' : 'are'} waiting for you`;
  const text = [
    `Hello ${digest.recipientName},`,
    '',
    `${digest.firmName} has ${waiting} waiting for your answer.`,
    'Sign in to see them and answer from your phone or computer (no password needed):',
    '',
    digest.signInUrl,
    '',
    `You get this reminder because ${digest.firmName} invited you to Client Hub.`,
  ].join('\n');
  const body = html`<!doctype html>
<html lang="en">
<body>
<p>Hello ${digest.recipientName},</p>
<p>${digest.firmName} has <strong>${waiting}</strong> waiting for your answer.</p>
<p><a href="${digest.signInUrl}">Sign in to answer</a> (no password needed).</p>
<p>You get this reminder because ${digest.firmName} invited you to Client Hub.</p>
</body>
</html>`;
  return { subject, text, html: String(body) };
}
