/** Every element Client Hub adds to a page is named client-hub-… (badges, panel, hint). */
const OWN_ELEMENT_PREFIX = 'client-hub-';

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
): void {
  if (signal.aborted) return;
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
    for (const element of node.querySelectorAll(selector)) visit(element);
  };
  scan(root);
  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) scan(node);
  });
  observer.observe(root, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
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
