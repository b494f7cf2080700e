import { z } from 'zod';
import { isolated } from '../text/hostile';
import {
  type ClassifyContext,
  classifyFailure,
  failureDetail,
  type ProblemCode,
  problemCodeSchema,
  type RateLimit,
  rateLimitOf,
  retryAfterMs,
  validationMessageOf,
} from './classify';
import { redactSecrets, type XeroFailure } from './failure';

/**
 * The one place where a problem becomes words for a bookkeeper: what went wrong, and what to do next.
 * Text from Xero (company names, validation messages) is carried as plain text; rendering it as text,
 * never HTML, is the caller's job.
 */

export const severitySchema = z.enum(['info', 'warning', 'error']);
export type Severity = z.infer<typeof severitySchema>;

/** A problem ready to show. Crosses between extension contexts, so it has a schema. */
export const problemSchema = z.object({
  code: problemCodeSchema,
  /** Short, e.g. "Connection removed in Xero". */
  title: z.string(),
  /** What went wrong, in one or two plain sentences. */
  message: z.string(),
  /** What to do next. */
  action: z.string(),
  severity: severitySchema,
  /** Copyable text for support (code, detail, time); only where support could help. Never tokens. */
  supportDetail: z.string().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export interface ProblemFacts {
  /** The Xero company concerned, as Xero names it. */
  organisationName?: string;
  /** The exact redirect URI the Xero app must list (identity.getRedirectURL()). */
  redirectUri?: string;
  /** When Client Hub may call Xero again, epoch ms. */
  retryAt?: number;
  /** Which limit a rate-limited call hit. */
  rateLimit?: RateLimit;
  /** Epoch ms; defaults to Date.now(). Used for support timestamps and reset times. */
  now?: number;
  /** Xero's reason for refusing a change. */
  validationMessage?: string;
  /** Raw detail for support; redacted and never put in message or action. */
  detail?: string;
  /** IANA time zone for reset times; defaults to the browser's. */
  timeZone?: string;
  /** Locale for times; defaults to en-GB (24-hour clock, like Xero's own pages). */
  locale?: string;
  /** What could not be saved, in words that finish "could not save …" (e.g. "the file receipt.pdf"). */
  unsaved?: string;
}

export const MAX_VALIDATION_MESSAGE = 300;
export const MAX_ORGANISATION_NAME = 120;
const MAX_SUPPORT_DETAIL = 2_000;

/** Codes where a person cannot fix things themselves and support may need to see what happened. */
const WITH_SUPPORT_DETAIL = new Set<ProblemCode>([
  'unknown',
  'malformed-response',
  'xero-error',
  'request-rejected',
  'sign-in-failed',
]);

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1).trimEnd()}…` : flat;
}

/** Facts made safe to put into sentences: trimmed, capped, with fallbacks. */
interface Words {
  /** The capped company name, or "" when unknown. */
  name: string;
  /** "Harbour Street Bakery" or "your Xero company". */
  company: string;
  /** about('in') is " in Harbour Street Bakery", or "" when the company is unknown. */
  about: (preposition: string) => string;
  facts: ProblemFacts;
  now: number;
}

interface Entry {
  severity: Severity;
  title: (words: Words) => string;
  message: (words: Words) => string;
  action: (words: Words) => string;
}

const fixed = (text: string) => () => text;

const TRY_AGAIN_OR_SUPPORT =
  'If it keeps happening, copy the support details and send them to Client Hub support.';
const KEPT = 'Your workspace, monitored accounts and tasks are kept.';

function clockTime(at: number, { facts, now }: Words): string {
  const options = (timeZone: string | undefined): Intl.DateTimeFormatOptions => ({
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  });
  const dayOptions = (timeZone: string | undefined): Intl.DateTimeFormatOptions => ({
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(timeZone ? { timeZone } : {}),
  });
  const locale = facts.locale ?? 'en-GB';
  let timeZone = facts.timeZone;
  try {
    new Intl.DateTimeFormat(locale, options(timeZone));
  } catch {
    timeZone = undefined; // An unknown zone name must not turn a message into a crash.
  }
  const time = new Intl.DateTimeFormat(locale, options(timeZone)).format(at);
  const day = new Intl.DateTimeFormat(locale, dayOptions(timeZone));
  return day.format(at) === day.format(now) ? time : `${time} on ${day.format(at)}`;
}

function limitReset(words: Words): string {
  const { retryAt, rateLimit } = words.facts;
  if (retryAt !== undefined) return `resets at ${clockTime(retryAt, words)}`;
  if (rateLimit === 'day') return 'resets within a day';
  return 'resets within a minute';
}

function limitReached(rateLimit: RateLimit | undefined): string {
  switch (rateLimit) {
    case 'day':
      return 'the number of requests Xero allows in a day';
    case 'concurrent':
      return 'the number of requests Xero allows at the same time';
    case 'appminute':
      return 'the number of requests Xero allows Client Hub in a minute across all Xero companies';
    default:
      return 'the number of requests Xero allows in a minute';
  }
}

const CATALOGUE: Record<ProblemCode, Entry> = {
  'sign-in-cancelled': {
    severity: 'info',
    title: fixed('Sign-in cancelled'),
    message: ({ about }) =>
      `The Xero sign-in window was closed before Client Hub was connected${about('to')}.`,
    action: fixed('Press Connect to Xero to open the sign-in window again, sign in and press Allow access.'),
  },
  'sign-in-failed': {
    severity: 'warning',
    title: fixed('Sign-in did not finish'),
    message: ({ about }) => `Xero's sign-in ended without connecting Client Hub${about('to')}.`,
    action: fixed(`Press Connect to Xero to try again. ${TRY_AGAIN_OR_SUPPORT}`),
  },
  'sign-in-state-mismatch': {
    severity: 'warning',
    title: fixed('Sign-in could not be confirmed'),
    message: fixed(
      'The answer from the Xero sign-in window did not match the sign-in Client Hub started, so Client Hub ignored it to keep your data safe. This can happen when two sign-in windows are open.',
    ),
    action: fixed('Close any other Xero sign-in windows, then press Connect to Xero again.'),
  },
  'client-id-missing': {
    severity: 'error',
    title: fixed('Xero app not set up'),
    message: fixed(
      "Client Hub does not know your firm's Xero app (its client id is missing), so it cannot connect to Xero.",
    ),
    action: fixed(
      'Ask your administrator to create an "Auth Code with PKCE" app at developer.xero.com and enter its client id in Client Hub\'s settings.',
    ),
  },
  'client-id-invalid': {
    severity: 'error',
    title: fixed('Xero does not recognise the app'),
    message: fixed(
      'Xero refused the sign-in because it does not recognise the client id Client Hub is set up with, or that app is not enabled.',
    ),
    action: fixed(
      'Ask your administrator to compare the client id in Client Hub\'s settings with your firm\'s app at developer.xero.com (it must be an "Auth Code with PKCE" app), then press Connect to Xero again.',
    ),
  },
  'redirect-uri-not-registered': {
    severity: 'error',
    title: fixed('Sign-in address not registered in Xero'),
    message: fixed(
      "Xero refused the sign-in because Client Hub's return address is not registered in your firm's Xero app.",
    ),
    action: ({ facts }) =>
      facts.redirectUri
        ? `Ask your administrator to add this exact redirect URI to your firm's app at developer.xero.com (Configuration, Redirect URIs), save, then press Connect to Xero again: ${facts.redirectUri}`
        : "Ask your administrator to add the redirect URI shown in Client Hub's settings to your firm's app at developer.xero.com (Configuration, Redirect URIs), save, then press Connect to Xero again.",
  },
  'scope-refused': {
    severity: 'error',
    title: fixed('Xero app lacks permissions'),
    message: fixed(
      'Xero refused the permissions Client Hub asks for. Xero apps created since March 2026 must be allowed each kind of data separately.',
    ),
    action: fixed(
      "Ask your administrator to check that your firm's app at developer.xero.com allows bank transactions, settings (read) and attachments, then press Connect to Xero again.",
    ),
  },
  'connection-removed': {
    severity: 'error',
    title: fixed('Connection removed in Xero'),
    message: ({ company }) =>
      `Someone removed Client Hub from the Connected Apps of ${company} in Xero, so Client Hub can no longer see its bank transactions.`,
    action: ({ company }) => `Press Refresh to sign in to Xero and connect ${company} again. ${KEPT}`,
  },
  'access-lost': {
    severity: 'error',
    title: ({ company }) => `No access to ${company}`,
    message: ({ company }) =>
      `The Xero user who connected ${company} to Client Hub no longer has access to it in Xero.`,
    action: ({ company }) =>
      `Someone who still has access to ${company} in Xero should press Refresh and sign in to reconnect it. ${KEPT}`,
  },
  'grant-revoked': {
    severity: 'error',
    title: fixed('Disconnected from Xero'),
    message: ({ about }) =>
      `Xero ended Client Hub's sign-in${about('for')}: it was disconnected in Xero, or someone signed Client Hub out.`,
    action: fixed(`Press Refresh and sign in to Xero again to reconnect. ${KEPT}`),
  },
  'grant-expired': {
    severity: 'error',
    title: fixed('Xero connection expired'),
    message: ({ name }) =>
      `Xero disconnects Client Hub after 60 days without use, and ${name ? `the connection to ${name}` : 'this connection'} has not been used for that long.`,
    action: fixed(`Press Refresh and sign in to Xero again to reconnect. ${KEPT}`),
  },
  'token-expired': {
    severity: 'info',
    title: fixed('Xero sign-in being renewed'),
    message: ({ about }) =>
      `Client Hub's 30-minute pass to Xero${about('for')} ran out. Client Hub normally renews it by itself.`,
    action: fixed('Nothing to do. If this message stays, press Refresh.'),
  },
  'not-authorised': {
    severity: 'error',
    title: fixed('Xero refused access'),
    message: ({ company }) =>
      `Xero did not allow Client Hub to read ${company} with the permissions it was given.`,
    action: fixed(
      "Press Refresh and sign in to Xero again, allowing everything Client Hub asks for. If it keeps happening, ask your administrator to check the app's permissions at developer.xero.com.",
    ),
  },
  'organisation-offline': {
    severity: 'warning',
    title: ({ company }) => `${company} is temporarily unavailable`,
    message: ({ company }) =>
      `Xero has taken ${company} offline for a while, usually from a few minutes to an hour. Nothing is lost.`,
    action: fixed('Nothing to do: Client Hub will try again by itself.'),
  },
  'xero-maintenance': {
    severity: 'warning',
    title: fixed('Xero is down for maintenance'),
    message: ({ company }) =>
      `Xero is offline for maintenance, so Client Hub cannot check ${company} right now. Nothing is lost.`,
    action: fixed(
      'Nothing to do: Client Hub will try again by itself once Xero is back. Xero announces maintenance at status.xero.com.',
    ),
  },
  'rate-limited': {
    severity: 'info',
    title: fixed("Xero's request limit reached"),
    message: ({ about, facts }) =>
      `Client Hub has used ${limitReached(facts.rateLimit)}${facts.rateLimit === 'appminute' ? '' : about('for')}. Nothing is lost: Client Hub pauses and carries on where it stopped.`,
    action: (words) =>
      `Nothing to do: Xero's limit${words.facts.rateLimit === 'appminute' ? '' : words.about('for')} ${limitReset(words)}, and Client Hub will carry on then.`,
  },
  'no-network': {
    severity: 'warning',
    title: fixed('Cannot reach Xero'),
    message: fixed(
      'Client Hub could not reach Xero. This computer may be offline, or a network or firewall may be blocking Xero.',
    ),
    action: fixed(
      'Check your internet connection. Client Hub will try again by itself once it can reach Xero.',
    ),
  },
  'xero-error': {
    severity: 'warning',
    title: fixed('Xero had a problem'),
    message: ({ about }) =>
      `Xero had a problem on its side while Client Hub was working${about('on')}. Nothing is lost.`,
    action: fixed(
      `Nothing to do: Client Hub will try again by itself. If it keeps happening, check status.xero.com, or copy the support details and send them to Client Hub support.`,
    ),
  },
  validation: {
    severity: 'error',
    title: fixed('Xero did not accept the change'),
    message: ({ about, facts }) =>
      facts.validationMessage
        ? `Xero did not accept the change${about('in')}. Xero says: "${facts.validationMessage}".`
        : `Xero did not accept the change${about('in')} because some of its details are not valid in Xero.`,
    action: fixed('Check the transaction in Xero, correct what Xero points out, then try again.'),
  },
  'not-found': {
    severity: 'warning',
    title: fixed('Not found in Xero'),
    message: ({ about }) =>
      `Xero could not find this item${about('in')}. It may have been deleted or voided in Xero.`,
    action: fixed('Press Refresh to bring the list up to date with Xero.'),
  },
  'changed-in-xero': {
    severity: 'warning',
    title: fixed('Changed in Xero since the task was closed'),
    message: ({ about }) =>
      `Someone changed this transaction${about('in')} after the task was closed, so Client Hub did not recode it. Nothing was changed in Xero.`,
    action: fixed(
      'Check the transaction in Xero. To recode it as it is now, press Retry; otherwise re-open the task or close it without recoding.',
    ),
  },
  'request-rejected': {
    severity: 'error',
    title: fixed('Xero refused a request'),
    message: fixed(
      'Xero refused a request from Client Hub. This is a fault in Client Hub, not in your Xero data.',
    ),
    action: fixed(
      'Copy the support details and send them to Client Hub support. Press Refresh to try again.',
    ),
  },
  'malformed-response': {
    severity: 'warning',
    title: fixed('Unexpected answer from Xero'),
    message: ({ about }) =>
      `Xero sent back information Client Hub could not read${about('about')}. Nothing was changed.`,
    action: fixed(`Nothing to do: Client Hub will try again by itself. ${TRY_AGAIN_OR_SUPPORT}`),
  },
  'storage-full': {
    severity: 'error',
    title: fixed('This computer is out of space'),
    message: ({ facts }) =>
      `This computer has no room left for Client Hub's data, so Client Hub could not save ${facts.unsaved ? clip(facts.unsaved, 200) : 'your last change'}. Nothing saved before was lost.`,
    action: fixed(
      'Free up space on this computer (empty the bin or the Downloads folder, or delete large files you no longer need), then try again. What you typed or picked is still here.',
    ),
  },
  unknown: {
    severity: 'error',
    title: fixed('Something went wrong'),
    message: ({ about, facts }) =>
      facts.unsaved
        ? `Client Hub ran into a problem it did not expect and could not save ${clip(facts.unsaved, 200)}.`
        : `Client Hub ran into a problem it did not expect${about('while working on')}.`,
    action: fixed(`Press Refresh to try again. ${TRY_AGAIN_OR_SUPPORT}`),
  },
};

function supportDetailFor(code: ProblemCode, facts: ProblemFacts, now: number): string | undefined {
  if (!WITH_SUPPORT_DETAIL.has(code)) return undefined;
  const lines = [`Problem: ${code}`];
  if (facts.detail) lines.push(`Detail: ${clip(redactSecrets(facts.detail), MAX_SUPPORT_DETAIL)}`);
  lines.push(`Time: ${new Date(now).toISOString()}`);
  return lines.join('\n');
}

/** Words for a problem: title, message, action, severity, and support detail where useful. */
export function describeProblem(code: ProblemCode, facts: ProblemFacts = {}): Problem {
  const entry = CATALOGUE[code];
  const now = facts.now ?? Date.now();
  // Xero's words are isolated in the sentence: their direction controls cannot reorder ours.
  const name = facts.organisationName ? isolated(clip(facts.organisationName, MAX_ORGANISATION_NAME)) : '';
  const validationMessage = facts.validationMessage
    ? isolated(clip(redactSecrets(facts.validationMessage), MAX_VALIDATION_MESSAGE))
    : undefined;
  const words: Words = {
    name,
    company: name || 'your Xero company',
    about: (preposition) => (name ? ` ${preposition} ${name}` : ''),
    facts: { ...facts, validationMessage },
    now,
  };
  const supportDetail = supportDetailFor(code, facts, now);
  return {
    code,
    title: entry.title(words),
    message: entry.message(words),
    action: entry.action(words),
    severity: entry.severity,
    ...(supportDetail ? { supportDetail } : {}),
  };
}

/**
 * Classify a failure and describe it in one step, taking the facts the failure itself carries
 * (Retry-After, which limit, Xero's validation message, redacted detail for support).
 */
export function describeFailure(
  failure: XeroFailure,
  facts: ProblemFacts = {},
  context: ClassifyContext = {},
): Problem {
  const now = facts.now ?? context.now ?? Date.now();
  const code = classifyFailure(failure, { ...context, now });
  const wait = retryAfterMs(failure, now);
  const rateLimit = rateLimitOf(failure);
  const validationMessage = validationMessageOf(failure);
  return describeProblem(code, {
    ...(wait !== undefined ? { retryAt: now + wait } : {}),
    ...(rateLimit ? { rateLimit } : {}),
    ...(validationMessage ? { validationMessage } : {}),
    detail: failureDetail(failure),
    ...facts,
    now,
  });
}
