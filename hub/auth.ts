import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { bearer, emailOTP, magicLink } from 'better-auth/plugins';
import type { HubDb } from './db/client.ts';
import * as schema from './db/schema/index.ts';
import { countInWindow } from './domain/rate-limit.ts';

/** What a sign-in email carries: the one-time link's token and a 6-digit code, both for `email`. */
export interface SignInRequest {
  email: string;
  token: string;
  code: string;
}

/** How long an emailed sign-in link or code works. */
export const SIGN_IN_VALID_SECONDS = 15 * 60;
/** How long a session lasts on the device it signed in on. */
export const SESSION_SECONDS = 30 * 24 * 60 * 60;

export interface AuthOptions {
  db: HubDb;
  /** Shared by every instance (kept in the database): signs session cookies and bearer tokens. */
  secret: string;
  baseUrl: string;
  /**
   * Sends the sign-in email. Called only for people who have an account; it must not make the
   * request wait (the answer, and its timing, must not say whether the address is known).
   */
  sendSignInEmail: (request: SignInRequest) => void;
  /**
   * Whether `email` may be sent another sign-in email now (a per-address cap that no number of
   * callers' addresses gets around). When not, nothing is made or sent, and the answer is the same.
   */
  maySendSignInEmail?: (email: string) => Promise<boolean>;
  /** Sign-in attempts allowed per address per minute. */
  signInAttemptsPerMinute: number;
}

/** better-auth's sign-in endpoints, limited per caller's address by the hub (see limitSignIns). */
const SIGN_IN_PATHS = ['/sign-in/email', '/sign-in/magic-link', '/magic-link/verify', '/sign-in/email-otp'];
const BASE_PATH = '/api/auth';

/**
 * Sign-in through better-auth: firm users by email and password or an emailed link, clients by
 * an emailed link or the 6-digit code in the same email (magic-link and email-OTP plugins); the
 * extension keeps the bearer token the sign-in returns (`set-auth-token`), the portal a cookie.
 * Nobody signs themselves up: users are made by create-firm, by Admins and by invitations.
 */
export function createAuth(options: AuthOptions) {
  const auth = betterAuth({
    basePath: BASE_PATH,
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
    session: { expiresIn: SESSION_SECONDS, updateAge: 60 * 60 * 24 },
    // The email-OTP plugin's other flows (verify email, reset password, a code on its own) are not
    // used: the code comes only in the sign-in email, next to the link.
    disabledPaths: [
      '/email-otp/send-verification-otp',
      '/email-otp/check-verification-otp',
      '/email-otp/verify-email',
      '/forget-password/email-otp',
      '/email-otp/reset-password',
    ],
    rateLimit: {
      enabled: true,
      // In the database, so a limit holds across every instance behind a load balancer.
      storage: 'database',
      window: 60,
      max: 300,
      // Counted by limitSignIns instead: better-auth keys its limits by 127.0.0.1 whenever NODE_ENV
      // is test or development, whatever address the hub gives it, so every caller would share one.
      customRules: Object.fromEntries(SIGN_IN_PATHS.map((path) => [path, false as const])),
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
        expiresIn: SIGN_IN_VALID_SECONDS,
        // Kept hashed: a copy of the database holds no working link.
        storeToken: 'hashed',
        sendMagicLink: async ({ email, token }) => {
          // Capped per address before the code is made: a new code replaces the last one, so
          // uncapped requests could keep a person's emailed code from ever working.
          if (options.maySendSignInEmail && !(await options.maySendSignInEmail(email))) return;
          // The code for another device, made now so one email carries both.
          const code = await auth.api.createVerificationOTP({ body: { email, type: 'sign-in' } });
          options.sendSignInEmail({ email, token, code });
        },
      }),
      emailOTP({
        disableSignUp: true,
        otpLength: 6,
        expiresIn: SIGN_IN_VALID_SECONDS,
        storeOTP: 'hashed',
        // Wrong guesses before the code stops working (then ask for a new email).
        allowedAttempts: 5,
        // Unused: its endpoint is disabled above, codes are made by sendMagicLink.
        sendVerificationOTP: async () => {},
      }),
    ],
  });
  return { ...auth, handler: limitSignIns(options, auth.handler) };
}

/**
 * The headers a request's session is read from. A request that carries a bearer token (the
 * extension) is that token's, or nobody's: a session cookie for the hub's origin in the same browser
 * (a client's portal sign-in) is set aside, so it can neither outrank the token nor stand in for a
 * token the server refuses. Without a token, the cookie (the portal) is the session.
 */
export function sessionHeaders(headers: Headers): Headers {
  if (!headers.has('authorization')) return headers;
  const bearerOnly = new Headers(headers);
  bearerOnly.delete('cookie');
  return bearerOnly;
}

/**
 * Sign-in attempts per caller's address (`x-hub-client-ip`, set by the hub from the connection or a
 * trusted proxy) and endpoint, per minute, held in the database for every instance. A refusal is
 * answered as better-auth answers one (429 with X-Retry-After), so callers handle both alike.
 */
function limitSignIns(options: AuthOptions, handler: (request: Request) => Promise<Response>) {
  const WINDOW_SECONDS = 60;
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.slice(BASE_PATH.length);
    if (!SIGN_IN_PATHS.includes(path)) return handler(request);
    const address = request.headers.get('x-hub-client-ip') ?? 'unknown';
    const now = Date.now();
    const { count, startedAt } = await countInWindow(options.db, `${address}${path}`, WINDOW_SECONDS, now);
    if (count <= options.signInAttemptsPerMinute) return handler(request);
    const wait = Math.max(1, Math.ceil((startedAt + WINDOW_SECONDS * 1000 - now) / 1000));
    return Response.json(
      { message: 'Too many requests. Please try again later.' },
      { status: 429, headers: { 'X-Retry-After': String(wait) } },
    );
  };
}

export type HubAuth = ReturnType<typeof createAuth>;
