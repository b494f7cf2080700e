import type { XeroConfig } from '../config/xero';
import { createMessageRouter, type Handlers } from '../messaging/router';

export interface BackgroundDeps {
  /** The extension's own id: messages from anything else are refused. */
  extensionId: string;
  version: string;
  xero: XeroConfig;
  now: () => number;
  onMessage: {
    addListener(listener: (message: unknown, sender: { id?: string | undefined }) => Promise<unknown>): void;
  };
}

/** Wires the background's services. Runs once per service-worker (or event-page) start. */
export function startBackground(deps: BackgroundDeps) {
  const startedAt = deps.now();
  const handlers: Handlers = {
    'background.status': async () => ({
      version: deps.version,
      target: deps.xero.target,
      startedAt,
      xeroAppUrl: deps.xero.appBase,
    }),
  };
  deps.onMessage.addListener(createMessageRouter(handlers, deps.extensionId));
  return { startedAt };
}
