/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/**
 * The frame of every page the hub serves to people (the portal, its sign-in, the local Sent mail
 * page): mobile first, one stylesheet from the hub itself, no scripts, and a skip link to the content.
 * Every value goes through JSX, which escapes it: text from clients or Xero is never HTML here.
 */
export const PORTAL_CSS_PATH = '/portal/portal.css';

export interface PageProps {
  title: string;
  /** Shown at the top of the page: whose portal this is. */
  firmName?: string | undefined;
  children?: Child;
}

export function Page({ title, firmName, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{firmName ? `${title} · ${firmName}` : title}</title>
        <link rel="stylesheet" href={PORTAL_CSS_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="firm">{firmName || 'Client Hub'}</span>
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
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

/** Readable at 360 px, large touch targets, visible focus, system fonts (nothing fetched elsewhere). */
export const PORTAL_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f4f5f7}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px}
.skip:focus{left:8px;top:8px;z-index:10}
.top{background:#0b3d6b;color:#fff;padding:12px 16px}
.firm{font-weight:600}
main{max-width:640px;margin:0 auto;padding:16px}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.25;margin:8px 0 16px}
h2{font-size:1.15rem;margin:24px 0 8px}
p{margin:0 0 16px}
.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
label{display:block;font-weight:600;margin:0 0 6px}
.hint{display:block;font-weight:400;color:#52606d;font-size:.9rem;margin:0 0 6px}
input[type=email],input[type=text]{display:block;width:100%;font:inherit;font-size:1.125rem;padding:12px;border:2px solid #7b8794;border-radius:6px;background:#fff;color:inherit}
input.code{letter-spacing:.4em;font-family:Menlo,Consolas,monospace;font-size:1.5rem;max-width:14ch}
input[aria-invalid=true]{border-color:#b42318}
button,.button{display:inline-block;font:inherit;font-weight:600;font-size:1rem;min-height:48px;padding:12px 20px;margin:16px 0 0;border:0;border-radius:6px;background:#0b6bcb;color:#fff;text-decoration:none;cursor:pointer}
button.secondary{background:#fff;color:#0b6bcb;border:2px solid #0b6bcb}
a{color:#0b5cad}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.error{border-left:4px solid #b42318;background:#fdecea;padding:12px;border-radius:4px;margin:0 0 16px}
.notice{border-left:4px solid #0b6bcb;background:#e8f1fb;padding:12px;border-radius:4px;margin:0 0 16px}
.small{font-size:.9rem;color:#52606d}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;padding:12px;border-radius:6px;border:1px solid #e4e7eb}
iframe.mail{width:100%;min-height:480px;border:1px solid #e4e7eb;border-radius:6px;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0 0 16px}
dt{font-weight:600}dd{margin:0;word-break:break-word}
@media (prefers-reduced-motion:no-preference){button,.button{transition:background .15s}}
`;
