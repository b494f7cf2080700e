import {
  type AnyRequest,
  anyRequestSchema,
  type Envelope,
  type MessageError,
  type RequestType,
  type ResponseOf,
} from './contract';

export type Handlers = {
  [T in RequestType]: (request: Extract<AnyRequest, { type: T }>) => Promise<ResponseOf<T>>;
};

export interface Sender {
  id?: string | undefined;
  /** The sending document; a content script's is the web page's URL. */
  url?: string | undefined;
  /** Set when the sender lives in a tab: a content script, or an extension page opened in a tab. */
  tab?: unknown;
}

export interface RouterOptions {
  describeError?: (error: unknown) => MessageError;
  /**
   * The extension's own origin (runtime.getURL('')). A sender in a tab whose URL is not on it is a
   * content script: it may only send `contentScriptTypes`, never setup or connection changes.
   */
  extensionOrigin?: string;
  contentScriptTypes?: ReadonlySet<string>;
  /** Refuses a valid request before its handler runs (per-tab rate limits); null lets it through. */
  admit?: (type: string, sender: Sender) => MessageError | null;
}

/**
 * Turns handlers into a runtime.onMessage listener. Messages from anything but this extension, and
 * messages that do not match the contract, are refused before any handler runs.
 */
export function createMessageRouter(handlers: Handlers, ownExtensionId: string, options: RouterOptions = {}) {
  const describeError = options.describeError ?? toMessageError;
  return async (message: unknown, sender: Sender): Promise<Envelope> => {
    if (sender.id !== ownExtensionId) {
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
    const fromContentScript =
      options.extensionOrigin !== undefined &&
      sender.tab !== undefined &&
      !(sender.url ?? '').startsWith(options.extensionOrigin);
    if (fromContentScript && !options.contentScriptTypes?.has(request.type)) {
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
    const handler = handlers[request.type] as (r: AnyRequest) => Promise<unknown>;
    try {
      return { ok: true, data: await handler(request) };
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
