/** The port pages open to ask for near-live updates (no message is ever read from it). */
export const LIVE_PORT = 'client-hub-live';

/** The part of runtime.Port a page uses to keep updates near-live. */
export interface PagePort {
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

/**
 * Holds a port open to the background while this page shows tasks, so the background polls the
 * firm's Client Hub server every few seconds. The service worker may stop (the port then closes):
 * the page connects again, which wakes it. Nothing is sent on the port.
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
    port.onDisconnect.addListener(() => {
      port = undefined;
      if (!stopped) timer = setTimeout(open, options.reconnectMs ?? 1000);
    });
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    port?.disconnect();
  };
}
