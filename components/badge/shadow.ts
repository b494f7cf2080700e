/**
 * Our in-page UI lives in shadow roots Xero's CSS cannot reach. Each stylesheet is built once per page
 * as a constructable stylesheet and shared by every root that shows it (1,000 badges, one sheet); where
 * a root cannot adopt it (Firefox refuses a sheet built in the content script's compartment for some
 * pages), the root gets its own <style>. The CSS is bundled into the content script, so no extension
 * file has to be web-accessible to Xero's pages.
 */
const sheets = new Map<string, CSSStyleSheet[] | null>();

/** One array per stylesheet too: adopting from a shared array is cheaper than from a new one each time. */
function sheetsFor(css: string): CSSStyleSheet[] | null {
  let list = sheets.get(css);
  if (list === undefined) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      list = [sheet];
    } catch {
      list = null;
    }
    sheets.set(css, list);
  }
  return list;
}

/**
 * Closed: a script of the page (another extension, an injected script) cannot reach into our badges
 * through `host.shadowRoot`. The sandbox build keeps them open for its tests and benchmarks alone:
 * Playwright cannot look into a closed root, and a page script reaching our buttons there is the
 * worst case the tests want (its clicks must still do nothing: we act on trusted events only).
 */
export const SHADOW_MODE: ShadowRootMode = import.meta.env.MODE === 'sandbox' ? 'open' : 'closed';

/** Gives `host` a shadow root (see SHADOW_MODE) styled with `css`. */
export function styledShadowRoot(host: HTMLElement, css: string): ShadowRoot {
  const root = host.attachShadow({ mode: SHADOW_MODE });
  styleRoot(root, css);
  return root;
}

/**
 * Styles a shadow root with `css`: the shared sheet (cheaper adopted into a connected root), else a
 * <style> of its own.
 */
export function styleRoot(root: ShadowRoot, css: string): void {
  stylerFor(css)(root);
}

/** `styleRoot` for many roots with one stylesheet: the sheet is looked up once, not per root. */
export function stylerFor(css: string): (root: ShadowRoot) => void {
  const list = sheetsFor(css);
  return (root) => styleWith(root, list, css);
}

function styleWith(root: ShadowRoot, list: CSSStyleSheet[] | null, css: string): void {
  if (list) {
    try {
      root.adoptedStyleSheets = list;
      return;
    } catch {
      // Falls through to a <style> of its own.
    }
  }
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
}

/** A new element named `tag` (ours are all client-hub-…), immune to the page's CSS, with its styled root. */
export function shadowHost(tag: string, css: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  // Inline, so no rule of the page's can restyle or hide the host itself.
  // Isolated and left to right: direction controls in Xero's text around it cannot reorder it.
  host.setAttribute('style', 'all:initial;display:block;unicode-bidi:isolate;direction:ltr;');
  return { host, root: styledShadowRoot(host, css) };
}
