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
  // The page has loaded already: the start script waited for it (entrypoints/xero-start.ts).
  run();
}
