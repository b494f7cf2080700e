/** Every element Client Hub adds to a page is named client-hub-… (badges, panel, hint). */
const OWN_ELEMENT_PREFIX = 'client-hub-';

/** What `observe` returns: a way to change the page without hearing about it. */
export interface Watcher {
  /**
   * Runs `work` (which adds our own elements) with the watcher disconnected, so our 1,000 badges
   * cost no mutation records and no callback; what the page changed before is still handled.
   */
  quietly(work: () => void): void;
}

const WATCH: MutationObserverInit = { childList: true, subtree: true };

/**
 * The one way page features watch Xero's DOM: calls `found` once for every element matching
 * `selector`, now and whenever the page adds one (late rendering, in-app navigation). Stops when
 * `signal` aborts. Added nodes are handled per mutation batch, so 1,000 rows rendered at once cost one
 * callback pass, not 1,000 observers; `found` should only queue work (it runs inside the page's task).
 */
export function observe(
  selector: string,
  found: (element: Element) => void,
  { signal, root = document.documentElement }: { signal: AbortSignal; root?: Element },
): Watcher {
  if (signal.aborted) return { quietly: (work) => work() };
  const seen = new WeakSet<Element>();
  const visit = (element: Element) => {
    if (seen.has(element)) return;
    seen.add(element);
    found(element);
  };
  const scan = (node: Node) => {
    // Our own badges and panels are never Xero's content: adding 1,000 badges costs no scans.
    if (!(node instanceof Element) || node.localName.startsWith(OWN_ELEMENT_PREFIX)) return;
    if (node.matches(selector)) visit(node);
    // By index: a NodeList's iterator costs a round trip per element, 1,000 links a page.
    const found = node.querySelectorAll(selector);
    for (let i = 0; i < found.length; i++) visit(found[i] as Element);
  };
  const handle = (records: MutationRecord[]) => {
    for (const record of records) for (const node of record.addedNodes) scan(node);
  };
  scan(root);
  const observer = new MutationObserver(handle);
  observer.observe(root, WATCH);
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  return {
    quietly(work) {
      if (signal.aborted) {
        work();
        return;
      }
      const pending = observer.takeRecords();
      observer.disconnect();
      try {
        work();
      } finally {
        if (!signal.aborted) observer.observe(root, WATCH);
        // The page's own changes from before `work` (ours cannot be among them: we add nothing else).
        handle(pending);
      }
    },
  };
}

/** The first element matching `selector`, waiting for it if needed; null when `signal` aborts first. */
export function waitFor(
  selector: string,
  { signal, timeoutMs = 10_000 }: { signal: AbortSignal; timeoutMs?: number },
): Promise<Element | null> {
  return new Promise((resolve) => {
    const stop = new AbortController();
    const finish = (element: Element | null) => {
      stop.abort();
      clearTimeout(timer);
      resolve(element);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    signal.addEventListener('abort', () => finish(null), { once: true });
    observe(selector, finish, { signal: AbortSignal.any([signal, stop.signal]) });
  });
}
