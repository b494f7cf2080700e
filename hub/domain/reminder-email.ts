import type { EmailMessage } from '../email/mailer.ts';
import { composeEmail } from '../email/messages.tsx';

/** The digest one client user gets: how many questions are open, and a link to sign in and answer. */
export interface ReminderDigest {
  firmName: string;
  workspaceName: string;
  to: string;
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

/** Both parts from the hub's one email template (no images; names escaped by JSX). */
export function reminderEmail(digest: ReminderDigest): EmailMessage {
  const waiting = `${questions(digest.openQuestions)} for ${digest.workspaceName}`;
  return composeEmail({
    firmName: digest.firmName,
    to: digest.to,
    subject: `${waiting} ${digest.openQuestions === 1 ? 'is' : 'are'} waiting for your answer`,
    paragraphs: [
      `Hello ${digest.recipientName},`,
      `${digest.firmName} has ${waiting} waiting for your answer. Sign in to see them and answer from your phone or computer; no password is needed.`,
    ],
    action: { label: 'Sign in to answer', url: digest.signInUrl },
    footer: `You get this reminder because ${digest.firmName} invited you to Client Hub to answer their questions.`,
  });
}
