/** @jsxImportSource hono/jsx */
import { SIGN_IN_LINK_PATH } from '../domain/sign-in.ts';
import { Page, renderPage } from './layout.tsx';

/**
 * The portal's sign-in pages: enter your email; check your email (or type the 6-digit code); and
 * the landing page of the emailed link. Plain forms, no scripts: they work on any phone, and a
 * problem is announced (role="alert") and tied to its field (aria-describedby, aria-invalid).
 */
export const SIGN_IN_PATH = '/portal/sign-in';
export const SIGN_IN_CODE_PATH = '/portal/sign-in/code';
export { SIGN_IN_LINK_PATH };

function Problem({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <div class="error" id={id} role="alert">
      {message}
    </div>
  );
}

export function emailPage(input: { email?: string; error?: string; notice?: string } = {}) {
  return renderPage(
    <Page title="Sign in">
      <h1>Sign in to answer your accountant’s questions</h1>
      {input.notice && (
        <p class="notice" role="status">
          {input.notice}
        </p>
      )}
      <form class="card" method="post" action={SIGN_IN_PATH} novalidate>
        <Problem id="email-problem" message={input.error} />
        <label for="email">Your email address</label>
        <span class="hint" id="email-hint">
          We email you a sign-in link and a code. No password needed.
        </span>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          inputmode="email"
          required
          autofocus
          value={input.email ?? ''}
          aria-describedby={input.error ? 'email-problem email-hint' : 'email-hint'}
          aria-invalid={input.error ? 'true' : undefined}
        />
        <button type="submit">Email me a sign-in link</button>
      </form>
    </Page>,
  );
}

export function codePage(input: { email: string; error?: string }) {
  return renderPage(
    <Page title="Check your email">
      <h1>Check your email</h1>
      <p role="status">
        If {input.email} has a Client Hub account, a sign-in email is on its way. Open its link on this
        device, or type the 6-digit code from it here. Both work once, within 15 minutes.
      </p>
      <form class="card" method="post" action={SIGN_IN_CODE_PATH} novalidate>
        <Problem id="code-problem" message={input.error} />
        <input type="hidden" name="email" value={input.email} />
        <label for="code">6-digit code</label>
        <input
          id="code"
          class="code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength={6}
          required
          autofocus
          aria-describedby={input.error ? 'code-problem' : undefined}
          aria-invalid={input.error ? 'true' : undefined}
        />
        <button type="submit">Sign in</button>
      </form>
      <p class="small">
        No email after a few minutes? Check your spam folder, or{' '}
        <a href={SIGN_IN_PATH}>try another address</a>.
      </p>
    </Page>,
  );
}

/**
 * Where the emailed link lands. It signs in only after a tap: mail scanners that open every link
 * would otherwise use up the one-time link before the client does.
 */
export function linkPage(input: { token: string }) {
  return renderPage(
    <Page title="Sign in">
      <h1>Sign in to Client Hub</h1>
      <form class="card" method="post" action={SIGN_IN_LINK_PATH}>
        <input type="hidden" name="token" value={input.token} />
        <p>You opened your sign-in link. You stay signed in on this device for 30 days.</p>
        <button type="submit" autofocus>
          Continue
        </button>
      </form>
    </Page>,
  );
}
