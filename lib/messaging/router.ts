import {
  type AnyRequest,
  anyRequestSchema,
  type Envelope,
  type MessageError,
  type RequestType,
  type ResponseOf,
} from './contract';

export type Handlers = {
  [T in RequestType]: (
    request: Extract<AnyRequest, { type: T }>,
    /** Who sent it, as the router checked it (most handlers need not know). */
    sender: Sender,
  ) => Promise<ResponseOf<T>>;
};

export interface Sender {
  id?: string | undefined;
  /** The sending document: an extension page's own URL, or the web page a content script runs in. */
  url?: string | undefined;
  /** Set when the sender lives in a tab. Not what tells the two apart: an extension page may be a tab too. */
  tab?: unknown;
  /** The sending frame in its tab (0: the top frame). */
  frameId?: number | undefined;
  /** The sending document (Chrome): a prerendered page's frame id is not its tab's top frame. */
  documentId?: string | undefined;
}

/** The sender's tab, when it lives in one. */
export function tabIdOf(sender: Sender): number | undefined {
  const tab = sender.tab as { id?: unknown } | undefined;
  return typeof tab?.id === 'number' ? tab.id : undefined;
}

export interface SenderOrigins {
  /** The extension's own origin (runtime.getURL('')): its pages may send everything in the contract. */
  extensionOrigin: string;
  /** The content script's match patterns (manifest): senders there, in a tab, may send only the page messages. */
  contentScriptMatches: readonly string[];
}

export type SenderKind = 'extension-page' | 'content-script' | 'unknown';

/**
 * Who sent a message, from the sender's URL alone: the browser sets it, so a Xero page cannot forge it
 * (unlike anything in the message). A URL on neither origin, or none at all, is nobody we talk to.
 */
export function senderKind(sender: Sender, origins: SenderOrigins): SenderKind {
  const url = parseUrl(sender.url);
  if (!url) return 'unknown';
  const own = parseUrl(origins.extensionOrigin);
  if (own && url.protocol === own.protocol && url.host === own.host) return 'extension-page';
  if (
    sender.tab !== undefined &&
    origins.contentScriptMatches.some((pattern) => matchesPattern(url, pattern))
  )
    return 'content-script';
  return 'unknown';
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A manifest match pattern (`https://go.xero.com/*`, `http://127.0.0.1/*`): scheme, host (ports ignored, as the browser does) and path. */
export function matchesPattern(url: URL, pattern: string): boolean {
  const parts = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*]+)(\/.*)$/.exec(pattern);
  if (!parts) return false;
  const [, scheme, host, path] = parts as unknown as [string, string, string, string];
  const protocol = url.protocol.slice(0, -1);
  if (scheme === '*' ? protocol !== 'http' && protocol !== 'https' : protocol !== scheme) return false;
  const hostOk =
    host === '*' ||
    (host.startsWith('*.')
      ? url.hostname === host.slice(2) || url.hostname.endsWith(host.slice(1))
      : url.hostname === host);
  const pathPattern = new RegExp(`^${path.split('*').map(escapeRegExp).join('.*')}$`);
  return hostOk && pathPattern.test(url.pathname + url.search);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface RouterOptions {
  describeError?: (error: unknown) => MessageError;
  /** Content scripts may send only these types, never setup or connection changes. */
  contentScriptTypes?: ReadonlySet<string>;
  /** Refuses a valid request before its handler runs (per-tab rate limits); null lets it through. */
  admit?: (type: string, sender: Sender) => MessageError | null;
}

/**
 * Turns handlers into a runtime.onMessage listener. Messages from anything but this extension's pages and
 * content script, and messages that do not match the contract, are refused before any handler runs.
 */
export function createMessageRouter(
  handlers: Handlers,
  ownExtensionId: string,
  origins: SenderOrigins,
  options: RouterOptions = {},
) {
  const describeError = options.describeError ?? toMessageError;
  return async (message: unknown, sender: Sender): Promise<Envelope> => {
    const kind = sender.id === ownExtensionId ? senderKind(sender, origins) : 'unknown';
    if (kind === 'unknown') {
      return {
        ok: false,
        error: { code: 'forbidden-sender', message: 'Message refused: it did not come from Client Hub.' },
      };
    }
    const parsed = anyRequestSchema.safeParse(message);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid-message', message: 'Message refused: it is not one Client Hub understands.' },
      };
    }
    const request = parsed.data;
    if (kind === 'content-script' && !options.contentScriptTypes?.has(request.type)) {
      return {
        ok: false,
        error: {
          code: 'forbidden-sender',
          message: 'Message refused: Xero pages cannot ask Client Hub for that.',
        },
      };
    }
    const refused = options.admit?.(request.type, sender);
    if (refused) return { ok: false, error: refused };
    const handler = handlers[request.type] as (r: AnyRequest, s: Sender) => Promise<unknown>;
    try {
      return { ok: true, data: await handler(request, sender) };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  };
}

function toMessageError(error: unknown): MessageError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const { code, message } = error as { code: unknown; message: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return {
    code: 'unknown',
    message: 'Something went wrong in Client Hub. Try again; if it keeps happening, contact support.',
  };
}
