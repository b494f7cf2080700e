import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { bearer, magicLink } from 'better-auth/plugins';
import type { HubDb } from './db/client.ts';
import * as schema from './db/schema/index.ts';

/** An email the hub would send (issue 16 sends them over SMTP; for now they go to the outbox). */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** The sign-in link, for the outbox and tests. */
  url?: string;
}

export interface AuthOptions {
  db: HubDb;
  /** Shared by every instance (kept in the database): signs session cookies and bearer tokens. */
  secret: string;
  baseUrl: string;
  sendEmail: (email: OutgoingEmail) => Promise<void>;
  /** Sign-in attempts allowed per address per minute. */
  signInAttemptsPerMinute: number;
}

/**
 * Sign-in through better-auth: firm users by email and password or an emailed link, clients by
 * emailed link; the extension keeps the bearer token the sign-in returns (`set-auth-token`).
 * Nobody signs themselves up: users are made by create-firm and by Admins (hub/domain/users.ts).
 */
export function createAuth(options: AuthOptions) {
  return betterAuth({
    basePath: '/api/auth',
    baseURL: options.baseUrl,
    secret: options.secret,
    database: drizzleAdapter(options.db, {
      provider: 'pg',
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        rateLimit: schema.rateLimit,
      },
    }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10 },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      // In the database, so a limit holds across every instance behind a load balancer.
      storage: 'database',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/email': { window: 60, max: options.signInAttemptsPerMinute },
        '/sign-in/magic-link': { window: 60, max: options.signInAttemptsPerMinute },
      },
    },
    advanced: {
      // Set by the hub from the connection (or a trusted proxy), never taken from the client as is.
      ipAddress: { ipAddressHeaders: ['x-hub-client-ip'] },
    },
    plugins: [
      // Only the signed token from set-auth-token works as a bearer token.
      bearer({ requireSignature: true }),
      magicLink({
        disableSignUp: true,
        expiresIn: 60 * 15,
        sendMagicLink: async ({ email, url }) => {
          await options.sendEmail({
            to: email,
            subject: 'Your Client Hub sign-in link',
            text: `Open this link to sign in to Client Hub (it works once, for 15 minutes):\n\n${url}\n`,
            url,
          });
        },
      }),
    ],
  });
}

export type HubAuth = ReturnType<typeof createAuth>;
