import { h, render } from 'preact';
import { Badge, type BadgeProps } from './Badge';
import css from './badge.css?inline';

/** The host's own size never changes with the badge's state, so Xero's rows never move. */
const HOST_STYLE =
  'all:initial;display:inline-block;vertical-align:middle;width:168px;height:22px;margin:0 0 0 8px;position:relative;';

let shared: CSSStyleSheet | null | undefined;
function sharedSheet(): CSSStyleSheet | null {
  if (shared === undefined) {
    try {
      shared = new CSSStyleSheet();
      shared.replaceSync(css);
    } catch {
      shared = null;
    }
  }
  return shared;
}

export interface BadgeHost {
  update(props: BadgeProps): void;
  remove(): void;
}

/**
 * A badge in its own shadow root, right after `anchor`. Rows are many, so badges share one adopted
 * stylesheet instead of each fetching the content script's CSS (createShadowRootUi does that per UI).
 */
export function mountBadge(anchor: Element): BadgeHost {
  const host = document.createElement('client-hub-badge');
  host.setAttribute('style', HOST_STYLE);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = sharedSheet();
  let adopted = false;
  if (sheet) {
    try {
      root.adoptedStyleSheets = [sheet];
      adopted = true;
    } catch {
      // Firefox content scripts may refuse a sheet from their own compartment: fall back below.
    }
  }
  if (!adopted) {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
  const mountPoint = document.createElement('span');
  root.append(mountPoint);
  anchor.after(host);
  return {
    update: (props) => render(h(Badge, props), mountPoint),
    remove() {
      render(null, mountPoint);
      host.remove();
    },
  };
}
