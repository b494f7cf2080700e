/** The port pages open to ask for near-live updates (no message is ever read from it). */
export const LIVE_PORT = 'client-hub-live';

/** The part of runtime.Port a page uses to keep updates near-live. */
export interface PagePort {
  onDisconnect: { addListener(listener: () => void): void };
  onMessage: { addListener(listener: (message: unknown) => void): void };
  disconnect(): void;
}

/**
 * Holds a port open to the background while this page shows tasks, so the background polls the
 * firm's Client Hub server every few seconds. The service worker may stop (the port then closes):
 * the page connects again, which wakes it, but only once the background said it is polling (signed in
 * to a server): without a server the worker is left to sleep, as before. The page sends nothing.
 */
export function keepLive(
  connect: (info: { name: string }) => PagePort,
  options: { alive?: () => boolean; reconnectMs?: number } = {},
): () => void {
  let stopped = false;
  let port: PagePort | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    timer = undefined;
    if (stopped || options.alive?.() === false) return;
    try {
      port = connect({ name: LIVE_PORT });
    } catch {
      return; // The extension was reloaded or removed: this page's script is orphaned.
    }
    let polling = false;
    port.onMessage.addListener(() => {
      polling = true;
    });
    port.onDisconnect.addListener(() => {
      port = undefined;
      if (!stopped && polling) timer = setTimeout(open, options.reconnectMs ?? 1000);
    });
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    port?.disconnect();
  };
}
