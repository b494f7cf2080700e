/**
 * How long the content script lives, and when the page's address changes, from the browser alone.
 * WXT's content-script context does both through DOM events named after the extension's id, which
 * a page script can send too (so it could switch us off or make us start over at will) and hear
 * (learning the id); ours listen to trusted browser events only and dispatch nothing.
 */
export interface ContentLifetime {
  /** Aborts when the extension is gone (updated, reloaded, removed): this copy is orphaned. */
  signal: AbortSignal;
  /** Calls `listener` after the address changed in the page (history.pushState, back, forward). */
  onAddressChange(listener: () => void): void;
}

interface NavigationLike extends EventTarget {}

export interface LifetimeDeps {
  /** False once the extension context is gone (runtime.id is undefined in an orphaned script). */
  extensionAlive(): boolean;
  /** The Navigation API where the browser has it; else the address is polled. */
  navigation?: NavigationLike | undefined;
  pollMs?: number;
}

export function createContentLifetime(deps: LifetimeDeps): ContentLifetime {
  const controller = new AbortController();
  const { signal } = controller;
  const listeners: (() => void)[] = [];
  let lastUrl = location.href;
  const check = () => {
    if (!deps.extensionAlive()) {
      controller.abort();
      return;
    }
    if (location.href === lastUrl) return;
    lastUrl = location.href;
    for (const listener of listeners) listener();
  };
  if (deps.navigation) {
    // Fires after the address changed; only the browser's own event counts, not one a page sends.
    deps.navigation.addEventListener(
      'currententrychange',
      (event) => {
        if (event.isTrusted) check();
      },
      { signal },
    );
  } else {
    const timer = setInterval(check, deps.pollMs ?? 1000);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
  // Coming back to a tab is a good moment to notice that the extension was reloaded meanwhile.
  document.addEventListener(
    'visibilitychange',
    (event) => {
      if (event.isTrusted) check();
    },
    { signal },
  );
  return {
    signal,
    onAddressChange(listener) {
      listeners.push(listener);
    },
  };
}
