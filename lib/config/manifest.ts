import { browserManifestKeys, targetBrowser } from '../platform/browser-differences';
import { SANDBOX_MANIFEST_KEY } from './sandbox-build';
import { plainHttpHubHost, type XeroConfig, xeroHostPermissions } from './xero';

/**
 * The permissions each build asks for, and why (the README lists the same). A new permission must be
 * a deliberate change here; a test pins the production manifests.
 */
export const PERMISSIONS = {
  storage: 'Keeps settings, the firm user and connection state.',
  alarms: 'Runs the scheduled sync every few minutes, even after the service worker sleeps.',
  identity: 'Opens Xero sign-in (OAuth 2.0 with PKCE) in a browser window and receives its answer.',
  scripting:
    'Puts the badges script into a Xero page once the page has loaded, so none of it runs while Xero loads (no new host: only Xero pages).',
} as const;

/**
 * The firm's Client Hub server: its address is only known when someone connects, so the extension
 * may ask for any https origin then, and asks for exactly the one typed. Nothing is granted at
 * install. (A sandbox build may also use a plain-http server on the sandbox's host, which its host
 * permissions already cover: see plainHttpHubHost.)
 */
export const HUB_OPTIONAL_HOSTS = ['https://*/*'] as const;

export interface ManifestInput {
  browser: string;
  xero: XeroConfig;
  /** `wxt` (dev server): its pages load scripts from, and reload over, localhost. */
  dev?: boolean;
}

/**
 * The content security policy of the extension's pages and its background (Chrome applies it to the
 * service worker too). Scripts only from the package, no plugins, no `<base>`, no form posts; the only
 * network the extension makes is the background's: tokens at Xero's identity host, the API, and one
 * look at the authorize page on the login host before sign-in opens (it catches a wrong client id or
 * redirect URI). Sign-in itself runs in the browser's own window; the pages talk to the background by
 * messages, not fetch.
 */
export function extensionPagesCsp(xero: XeroConfig, dev = false): string {
  const connect = [
    ...new Set([xero.identityBase, xero.loginBase, xero.apiBase].map((base) => new URL(base).origin)),
  ];
  // The Client Hub server, wherever the firm runs it; the background reaches it only once the
  // person has connected and the browser granted that one origin (HUB_OPTIONAL_HOSTS).
  connect.push('https:');
  const plainHost = plainHttpHubHost(xero);
  if (plainHost) connect.push(`http://${plainHost}:*`);
  if (dev) connect.push('http://localhost:*', 'ws://localhost:*');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "img-src 'self' data: blob:",
    `connect-src ${connect.join(' ')}`,
  ].join('; ');
}

export function contentScriptMatches(xero: XeroConfig): string[] {
  const matches = ['https://go.xero.com/*'];
  if (xero.target === 'sandbox')
    matches.push(`${new URL(xero.appBase).protocol}//${new URL(xero.appBase).hostname}/*`);
  return matches;
}

interface GeneratedManifest {
  content_scripts?: { matches?: string[]; js?: string[]; run_at?: string }[];
}

/**
 * The one script a Xero page loads by itself (entrypoints/xero-start.ts, an unlisted script WXT
 * builds to the package's root): it waits for the page's load event, then the background injects
 * the content script (entrypoints/xero-page.ts, an unlisted script too, so not listed here).
 */
export const START_SCRIPT_FILE = 'xero-start.js';
/** The content script, injected by the background (scripting.executeScript). */
export const PAGE_SCRIPT_FILE = '/xero-page.js';

/**
 * Declares the start script on the build's Xero pages. Runs on the manifest WXT generated, because
 * entrypoint options cannot see the build's Xero target. Production builds match
 * `https://go.xero.com/*` alone; sandbox builds add the sandbox's origin. Nothing is web-accessible:
 * the content script's CSS is bundled into it (components/badge/shadow.ts), so Xero's pages cannot
 * probe for any file of ours.
 */
export function applyXeroMatches(manifest: GeneratedManifest, xero: XeroConfig): void {
  manifest.content_scripts = [
    { matches: contentScriptMatches(xero), js: [START_SCRIPT_FILE], run_at: 'document_start' },
  ];
}

export function manifestFor({ browser, xero, dev = false }: ManifestInput) {
  const sandbox = xero.target === 'sandbox';
  return {
    name: sandbox ? 'Client Hub for Xero (sandbox)' : 'Client Hub for Xero',
    short_name: 'Client Hub',
    description:
      'Turn uncategorised Xero bank transactions into Client Hub tasks, and bring the answers back.',
    permissions: Object.keys(PERMISSIONS),
    host_permissions: xeroHostPermissions(xero),
    optional_host_permissions: [...HUB_OPTIONAL_HOSTS],
    content_security_policy: { extension_pages: extensionPagesCsp(xero, dev) },
    // Keys only one browser understands (see lib/platform/browser-differences.ts).
    ...browserManifestKeys(targetBrowser(browser), { sandbox, sandboxManifestKey: SANDBOX_MANIFEST_KEY }),
  };
}
