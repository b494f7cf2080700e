import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { xeroConfig } from '@/lib/config/current';
import { plainHttpHubHost } from '@/lib/config/xero';
import { type HubState, serverOriginOf } from '@/lib/hub/state';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { ProblemNotice } from './ProblemNotice';
import { TextField } from './TextField';

interface Props {
  hub: HubState;
  onChange: (hub: HubState) => void;
}

const asProblem = (error: unknown): MessageError =>
  error instanceof BackgroundError
    ? error.detail
    : {
        code: 'unknown',
        message: 'Client Hub could not reach its background. Reload this page and try again.',
      };

/** What each server role may do here (the server decides; the README's roles table says the same). */
const ROLE_NOTE: Record<string, string> = {
  Admin: 'Client Hub Admin: sets up and changes the Xero integration.',
  Manager: 'Manager: works on Client Tasks; sees the Xero integration read-only.',
  Staff: 'Staff: works on Client Tasks; sees the Xero integration read-only.',
};

/**
 * The firm's Client Hub server: its address and the firm user's sign-in. The password goes to the
 * background, which signs in and keeps the token; this page never sees it.
 */
export function HubServerSection({ hub, onChange }: Props) {
  const [address, setAddress] = useState(hub.url ?? '');
  const [email, setEmail] = useState(hub.user?.email ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'connect' | 'sign-out' | null>(null);
  const [problem, setProblem] = useState<MessageError | null>(null);
  const fixedAddress = hub.managedUrl;
  const signedIn = hub.connected && !hub.signInRefused;

  async function connect(event: Event) {
    event.preventDefault();
    const typed = fixedAddress ?? address;
    const origin = serverOriginOf(typed, plainHttpHubHost(xeroConfig));
    // Asked first, while the click still counts as the person's: the browser asks them to allow
    // this one server (nothing was granted at install).
    const allowed = origin
      ? browser.permissions.request({ origins: [`${origin}/*`] }).catch(() => false)
      : Promise.resolve(true);
    setBusy('connect');
    setProblem(null);
    try {
      if (!(await allowed)) {
        setProblem({
          code: 'hub-permission-refused',
          title: 'Client Hub was not allowed to connect',
          message: `The browser did not allow Client Hub to reach ${origin}.`,
          action: 'Click Connect again and choose Allow when the browser asks.',
        });
        return;
      }
      const state = await ask({ type: 'hub.signIn', url: typed, email, password });
      setPassword('');
      onChange(state);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(null);
    }
  }

  async function signOut() {
    setBusy('sign-out');
    setProblem(null);
    try {
      onChange(await ask({ type: 'hub.signOut' }));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(null);
    }
  }

  const unsentNote = hub.unsent && (
    <p class="notice" data-testid="hub-unsent">
      {hub.unsent.message}
    </p>
  );

  return (
    <section class="card" aria-labelledby="hub-heading" data-testid="hub-server">
      <h2 id="hub-heading">Client Hub server</h2>
      {signedIn && hub.user ? (
        <>
          <p data-testid="hub-signed-in">
            Signed in to <strong>{hub.firm?.name}</strong> as <strong>{hub.user.name}</strong> (
            {hub.user.email}) at <code>{hub.url}</code>.
          </p>
          <p data-testid="hub-role">
            Your role, from the server: <strong>{hub.user.role}</strong>.{' '}
            <span class="muted">{ROLE_NOTE[hub.user.role] ?? ''}</span>
          </p>
          {hub.problem && <ProblemNotice problem={hub.problem} />}
          {unsentNote}
          <p>
            <button type="button" onClick={signOut} disabled={busy !== null}>
              {busy === 'sign-out' ? 'Signing out…' : 'Sign out'}
            </button>{' '}
            <span class="muted">Work not yet sent stays on this computer.</span>
          </p>
        </>
      ) : (
        <form onSubmit={connect} noValidate>
          {hub.signInRefused && hub.user ? (
            <ProblemNotice
              problem={{
                title: 'Sign in to the Client Hub server again',
                message: `The server no longer accepts the sign-in of ${hub.user.email} on this computer: you may have been signed out elsewhere, or your account was changed or removed.`,
                action: 'Sign in again below. Work not yet sent stays on this computer.',
              }}
            />
          ) : (
            <p class="muted">
              Connect to your firm’s server so everyone sees the same Client Tasks and your role comes from
              the firm. Without a server, Client Hub works on this computer only.
            </p>
          )}
          {unsentNote}
          <TextField
            id="hub-address"
            label="Server address"
            type="url"
            placeholder="https://hub.your-firm.com"
            value={fixedAddress ?? address}
            readOnly={fixedAddress !== null}
            describedBy={fixedAddress ? 'hub-address-fixed' : undefined}
            onValue={setAddress}
          >
            {fixedAddress && (
              <span class="muted" id="hub-address-fixed">
                {' '}
                Set by your firm.
              </span>
            )}
          </TextField>
          <TextField
            id="hub-email"
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onValue={setEmail}
          />
          <TextField
            id="hub-password"
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
          />
          <p>
            <button type="submit" class="primary" disabled={busy !== null}>
              {busy === 'connect' ? 'Connecting…' : 'Connect'}
            </button>{' '}
            {hub.connected && (
              <button type="button" onClick={signOut} disabled={busy !== null}>
                Sign out
              </button>
            )}
          </p>
        </form>
      )}
      {problem && <ProblemNotice problem={problem} />}
    </section>
  );
}
