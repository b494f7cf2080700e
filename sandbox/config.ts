import {
  SANDBOX_CLIENT_ID,
  SANDBOX_DEMO_USER,
  SANDBOX_REDIRECT_URIS,
  SANDBOX_TEST_CLIENT_ID,
  SANDBOX_TEST_REDIRECT_URI,
} from '../lib/config/sandbox-build.ts';

/** Xero's documented limits, all overridable per sandbox (see README "Limits"). */
export interface Limits {
  /** Calls in flight at once, per organisation. */
  concurrent: number;
  /** Calls per fixed minute window, per organisation. */
  perMinute: number;
  /** Calls per fixed day window, per organisation (1,000 on the Starter tier). */
  perDay: number;
  /** Calls per minute across all organisations, per app. */
  appPerMinute: number;
  attachmentMaxBytes: number;
  attachmentsPerDocument: number;
  /** The official page says 250; another source says 2,500. Default to the stricter. */
  historyNoteMaxLength: number;
  /**
   * How long an Idempotency-Key is remembered. Xero does not publish its window; the sandbox assumes
   * 24 hours (the common choice) and forgets keys after it, so clients cannot lean on a longer one.
   */
  idempotencyKeyLifetimeMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  concurrent: 5,
  perMinute: 60,
  perDay: 5000,
  appPerMinute: 10_000,
  attachmentMaxBytes: 10 * 1024 * 1024,
  attachmentsPerDocument: 10,
  historyNoteMaxLength: 250,
  idempotencyKeyLifetimeMs: 24 * 60 * 60 * 1000,
};

export const ACCESS_TOKEN_LIFETIME_SECONDS = 1800;
export const DEFAULT_CODE_LIFETIME_SECONDS = 60;
export const REFRESH_TOKEN_LIFETIME_MS = 60 * 24 * 60 * 60 * 1000;
export const REFRESH_GRACE_MS = 30 * 60 * 1000;
export const PENDING_AUTHORIZATION_LIFETIME_MS = 15 * 60 * 1000;
export const DEFAULT_SCALE = 400;
export const DEFAULT_SEED = 1;
export const PROVIDER_NAME = 'Xero API Sandbox';

/** Granular scopes a new (post March 2026) app may ask for. `accounting.transactions` is refused. */
export const ALLOWED_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.banktransactions',
  'accounting.banktransactions.read',
  'accounting.settings',
  'accounting.settings.read',
  'accounting.attachments',
  'accounting.attachments.read',
  'accounting.contacts.read',
] as const;

export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'View your name',
  email: 'View your email address',
  offline_access: 'Keep access when you are not using the app',
  'accounting.banktransactions': 'View and edit your bank transactions',
  'accounting.banktransactions.read': 'View your bank transactions',
  'accounting.settings': 'View and edit your organisation settings and chart of accounts',
  'accounting.settings.read': 'View your organisation settings and chart of accounts',
  'accounting.attachments': 'View and add attachments',
  'accounting.attachments.read': 'View attachments',
  'accounting.contacts.read': 'View your contacts',
};

export interface RegisteredClient {
  clientId: string;
  appName: string;
  redirectUris: readonly string[];
}

export const REGISTERED_CLIENTS: readonly RegisteredClient[] = [
  {
    clientId: SANDBOX_CLIENT_ID,
    appName: 'Client Hub for Xero (sandbox)',
    redirectUris: SANDBOX_REDIRECT_URIS,
  },
  {
    clientId: SANDBOX_TEST_CLIENT_ID,
    appName: 'Sandbox test client',
    redirectUris: [SANDBOX_TEST_REDIRECT_URI],
  },
];

export function findClient(clientId: string): RegisteredClient | undefined {
  return REGISTERED_CLIENTS.find((client) => client.clientId === clientId);
}

export interface UserTemplate {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  /** Indexes into the generated organisations this user may open. */
  orgIndexes: readonly number[];
}

export const USER_TEMPLATES: readonly UserTemplate[] = [
  { ...SANDBOX_DEMO_USER, firstName: 'Demo', lastName: 'Accountant', orgIndexes: [0, 1, 2] },
  {
    email: 'staff@sandbox.test',
    password: 'demo',
    firstName: 'Staff',
    lastName: 'Member',
    orgIndexes: [0, 2],
  },
];
