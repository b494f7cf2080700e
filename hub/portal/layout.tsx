/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { isolated } from '../../lib/text/hostile.ts';

/** The portal's one stylesheet (a file, not inline: the pages' policy allows no inline code). */
export const PORTAL_CSS_PATH = '/portal/portal.css';

/** Firm or Xero text in running text: isolated, so its direction controls cannot reorder the page. */
export const Text = (props: { children: string }) => <bdi>{props.children}</bdi>;

/**
 * Every portal page: phone first, no script at all (forms and links do everything), the firm's
 * name on top, a skip link to the content.
 */
/** Where the portal's Sign out button posts (hub/routes/portal-sign-in.ts). */
export const SIGN_OUT_PATH = '/portal/sign-out';

export function Layout(props: {
  title: string;
  firmName?: string | undefined;
  /** A signed-in client's page: offers Sign out (ends the session on this device only). */
  signedIn?: boolean;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.firmName ? `${props.title} · ${isolated(props.firmName)}` : props.title}</title>
        <link rel="stylesheet" href={PORTAL_CSS_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <p class="firm">{props.firmName ? <Text>{props.firmName}</Text> : 'Client Hub'}</p>
          {props.signedIn && (
            <form class="sign-out" method="post" action={SIGN_OUT_PATH}>
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main">{props.children}</main>
        <footer class="foot">
          <p>
            Questions from your accountant, through Client Hub. <a href="/portal">All your questions</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A rendered page as a Response (the doctype first, so browsers use standards mode). */
export function pageResponse(node: Child, status = 200): Response {
  const body = `<!doctype html>${String(node)}`;
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** The sign-in and Sent mail pages' frame: the portal's, so every page the hub shows looks alike. */
export function Page({
  title,
  firmName,
  children,
}: {
  title: string;
  firmName?: string | undefined;
  children?: Child;
}) {
  return (
    <Layout title={title} firmName={firmName}>
      {children}
    </Layout>
  );
}

/** A whole page as HTML text. */
export const renderPage = (page: { toString(): string }) => `<!doctype html>${page.toString()}`;

/** Headers for every page: no caching of personal pages, no sniffing, no framing elsewhere. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;
