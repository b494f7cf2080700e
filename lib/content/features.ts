import type { ContentLifetime } from './lifetime';
import { createPageView, type PageView } from './page';

/**
 * A small page feature, refined-github style: which pages it runs on, and an init that receives an
 * AbortSignal. The manager aborts and re-runs every feature on in-app navigation, so no feature
 * tracks navigation itself; cleanup hangs off the signal.
 */
export interface PageFeature {
  id: string;
  include(url: URL): boolean;
  init(signal: AbortSignal, page: PageView): void | Promise<void>;
}

export function startFeatures(lifetime: ContentLifetime, features: readonly PageFeature[]): void {
  let current: AbortController | undefined;
  const run = () => {
    current?.abort();
    if (lifetime.signal.aborted) return;
    const controller = new AbortController();
    current = controller;
    const url = new URL(location.href);
    const page = createPageView(url, controller.signal);
    for (const feature of features) {
      if (!feature.include(url)) continue;
      Promise.resolve()
        .then(() => feature.init(controller.signal, page))
        .catch((error: unknown) => {
          // One feature failing must not take the others (or Xero's page) down with it.
          if (!controller.signal.aborted) console.warn(`[Client Hub] ${feature.id}:`, error);
        });
    }
  };
  lifetime.onAddressChange(run);
  lifetime.signal.addEventListener('abort', () => current?.abort(), { once: true });
  afterPageLoad(run, lifetime.signal);
}

/**
 * Starts at the latest this long after the page's HTML was parsed (DOMContentLoaded), for a page whose
 * load never ends.
 */
const LOAD_WAIT_CAP_MS = 3_000;

/**
 * Runs `start` once the page's own load event is over: the script is injected at document_start, so
 * nothing of ours runs before Xero's load event (see entrypoints/xero.content.ts). Capped, so a page
 * with a resource that never finishes loading still gets its badges.
 */
export function afterPageLoad(start: () => void, signal: AbortSignal): void {
  if (document.readyState === 'complete') {
    start();
    return;
  }
  const stop = new AbortController();
  const listening = { signal: AbortSignal.any([signal, stop.signal]) };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const go = () => {
    stop.abort();
    clearTimeout(timer);
    // After the load event's own task, not inside it: its other listeners (Xero's) run first.
    if (!signal.aborted) setTimeout(start, 0);
  };
  const startCap = () => {
    if (!stop.signal.aborted) timer = setTimeout(go, LOAD_WAIT_CAP_MS);
  };
  if (document.readyState === 'loading')
    document.addEventListener(
      'DOMContentLoaded',
      (event) => {
        if (event.isTrusted) startCap();
      },
      { ...listening, once: true },
    );
  else startCap();
  window.addEventListener(
    'load',
    (event) => {
      if (event.isTrusted) go();
    },
    listening,
  );
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
}
