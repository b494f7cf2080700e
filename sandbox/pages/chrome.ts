import type { OrganisationData } from '../data/model.ts';
import { escapeHtml } from '../identity/pages.ts';

/**
 * The frame around every sandbox page: Xero's header in one of the shapes it has had, so the content
 * script meets each of them. Evidence (public code checked against live Xero in 2025-2026; see
 * lib/content/xero-pages.ts for the sources):
 * - `xerov2` (2026, current): `nav#wac-top-panel` on legacy pages (`#shell-nav` in the app shell), the
 *   organisation name in `button.x-nav--tenant-menu-button .x-nav--tenant-menu-button-text`, nav links
 *   that carry the short code (`/app/!0X0!!/homepage`) on legacy pages too.
 * - `narrow`: the same header on a narrow window, the name abbreviated ("Demo Company (Global)" → "DCG").
 * - `no-name`: the same header with no name in it (icon-only button).
 * - `xnav` (until 2025-09): `.xnav-appbutton--body` / `.xnav-appbutton--text`, legacy nav links only.
 * - `xrh` (older): `.xrh-appbutton--text`, legacy nav links only.
 */
export const HEADER_VARIANTS = ['xerov2', 'narrow', 'no-name', 'xnav', 'xrh'] as const;
export type HeaderVariant = (typeof HEADER_VARIANTS)[number];

export interface Frame {
  org: OrganisationData;
  /** Every organisation of the sandbox: the tenant menu links to the others. */
  orgs: readonly OrganisationData[];
  header: HeaderVariant;
  /** `/app/!…` pages sit in the app shell (`#shell-nav`), legacy `.aspx` pages under `#wac-top-panel`. */
  shell?: boolean;
}

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;background:#f5f7f9;color:#1e3145;font-size:14px}
.x-nav{display:flex;align-items:center;gap:1rem;background:#13b5ea;color:#fff;padding:0 1rem;height:64px}
.x-nav--tenant-menu-button{display:flex;align-items:center;gap:.5rem;background:none;border:0;color:#fff;font:inherit;font-weight:600;cursor:pointer;max-width:16rem}
.x-nav--tenant-menu-button-text{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.x-nav--avatar{display:inline-grid;place-items:center;width:32px;height:32px;border-radius:4px;background:#fff;color:#13b5ea;font-size:12px}
.x-nav--menu{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.x-nav--menu a,.xnav-header--main a,.xrh-header nav a{color:#fff;text-decoration:none}
.x-nav--visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.x-nav--narrow .x-nav--menu{display:none}
.xnav-header{background:#048abf;color:#fff;padding:0 1rem;height:56px;display:flex;align-items:center;gap:1rem}
.xnav-appbutton{background:none;border:0;color:#fff;font:inherit;font-weight:600}
.xnav-header--main ol{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.xrh-header{display:flex;align-items:center;gap:1rem;background:#0b2a3d;color:#fff;padding:.5rem 1rem;height:48px}
.xrh-appbutton{background:none;border:0;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.xrh-header nav a{margin-right:1rem}
#page-content,main{padding:1rem 2rem}
.xui-pageheading{display:flex;align-items:baseline;gap:1rem}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e1e6eb;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
th{font-size:.8rem;color:#56697a}
td.amount,th.amount{text-align:right;width:7rem}
td.date,th.date{width:7rem}
td.checkbox,th.checkbox{width:2.2rem}
td.who{width:40%}
.pager{display:flex;gap:.75rem;align-items:center;padding:.5rem 0}
.pager a[aria-current]{font-weight:700;color:inherit}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.4rem;background:#fff;padding:1rem}
#statementLines .line{display:grid;grid-template-columns:1fr 8rem 1fr;gap:1rem;background:#fff;margin:.5rem 0;padding:.6rem;border:1px solid #e1e6eb}
`;

/** "Demo Company (Global)" → "DCG": what the XeroV2 header shows on a narrow window. */
export function abbreviationOf(name: string): string {
  return (name.match(/[\p{L}\p{N}]+/gu) ?? [])
    .map((word) => word.charAt(0).toUpperCase())
    .join('')
    .slice(0, 4);
}

/** Links of the 2026 top panel: most carry the organisation's short code, as on live Xero. */
function xeroV2Links(code: string): string {
  const app = (path: string) => `/app/${escapeHtml(code)}/${path}`;
  return [
    [app('homepage'), 'Home'],
    [app('sales-overview'), 'Sales'],
    [app('purchases-overview'), 'Purchases'],
    [app('reporting'), 'Reporting'],
    ['/Bank/BankAccounts.aspx', 'Accounting'],
    ['/Tax/', 'Tax'],
    [app('contacts'), 'Contacts'],
  ]
    .map(([href, text]) => `<li><a href="${href}">${text}</a></li>`)
    .join('');
}

function xeroV2Header({ org, orgs, header, shell }: Frame): string {
  const { name, shortCode } = org.organisation;
  const shown =
    header === 'no-name'
      ? ''
      : `<span class="x-nav--tenant-menu-button-text">${escapeHtml(header === 'narrow' ? abbreviationOf(name) : name)}</span>`;
  // The tenant menu (closed) links to the other organisations: the page's own code is the most frequent.
  const others = orgs
    .filter((o) => o !== org)
    .map(
      (o) =>
        `<li><a href="/app/${escapeHtml(o.organisation.shortCode)}/homepage">${escapeHtml(o.organisation.name)}</a></li>`,
    )
    .join('');
  const tag = shell ? 'header id="shell-nav"' : 'nav id="wac-top-panel"';
  const close = shell ? 'header' : 'nav';
  return `<${tag} class="x-nav${header === 'narrow' ? ' x-nav--narrow' : ''}" aria-label="Xero">
<h1 class="x-nav--visually-hidden">Xero</h1>
<button type="button" class="x-nav--tenant-menu-button" aria-haspopup="menu" aria-expanded="false" aria-label="Organisation menu" data-automationid="tenant-menu-button"><span class="x-nav--avatar" aria-hidden="true">${escapeHtml(abbreviationOf(name).slice(0, 2))}</span>${shown}</button>
<ul class="x-nav--menu">${xeroV2Links(shortCode)}</ul>
<div class="x-nav--tenant-menu" role="menu" hidden><ul>${others}</ul><a href="/organisationlogin/default.aspx">Change organisation</a></div>
</${close}>`;
}

function xnavHeader({ org }: Frame): string {
  return `<header class="xnav-header" role="banner">
<button type="button" class="xnav-appbutton" aria-haspopup="true"><div class="xnav-appbutton--body"><span class="xnav-appbutton--text">${escapeHtml(org.organisation.name)}</span></div></button>
<div class="xnav-header--main"><nav aria-label="Main"><ol><li><a href="/Dashboard/">Dashboard</a></li><li><a href="/Bank/BankAccounts.aspx">Accounting</a></li><li><a href="/Contacts/">Contacts</a></li></ol></nav></div>
</header>`;
}

function xrhHeader({ org }: Frame): string {
  return `<header class="xrh-header" data-automationid="xero-header">
<button class="xrh-appbutton" type="button" aria-haspopup="true"><span class="xrh-appbutton--text" data-automationid="xrh-appbutton-text">${escapeHtml(org.organisation.name)}</span></button>
<nav aria-label="Main"><a href="/Bank/BankAccounts.aspx">Bank accounts</a><a href="/Dashboard/">Dashboard</a></nav>
</header>`;
}

export function headerOf(frame: Frame): string {
  if (frame.header === 'xrh') return xrhHeader(frame);
  if (frame.header === 'xnav') return xnavHeader(frame);
  return xeroV2Header(frame);
}

/**
 * A whole page. XeroV2 legacy pages put their content in `#page-content` (no `<main>`: only
 * `nav#wac-top-panel` and the content are known); the older headers sat above a `<main>`.
 */
export function layout(frame: Frame, title: string, body: string, script = ''): string {
  const name = frame.org.organisation.name;
  const modern = frame.header !== 'xrh' && frame.header !== 'xnav';
  const content = modern
    ? `<div id="page-content" class="x-page">${body}</div>`
    : `<main id="content">${body}</main>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(name)} – Xero</title>
<style>${STYLE}</style>
</head>
<body>
${headerOf(frame)}
${content}
${script}
</body>
</html>`;
}
