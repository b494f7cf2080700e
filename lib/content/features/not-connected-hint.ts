import { mountNotConnectedHint } from '@/components/badge/panel';
import css from '@/components/badge/panel.css?inline';
import { shadowHost } from '@/components/badge/shadow';
import type { PageFeature } from '../features';
import { pageKindOf } from '../xero-pages';

/** Shown once per browser session and Xero tab, so it stays discreet. */
const DISMISSED_KEY = 'client-hub-hint-dismissed';

/**
 * On a Xero company that is not connected, or a page whose company is uncertain: nothing for Staff;
 * one small, dismissible hint for Admins on bank pages, saying which of the two it is. Test by hand: a
 * bank page of an organisation not connected in the options page; `?header=narrow` on a page whose
 * nav links carry no known short code.
 */
export const notConnectedHint: PageFeature = {
  id: 'not-connected-hint',
  include: (url) => pageKindOf(url) !== 'other',
  async init(signal, page) {
    const { store, isAdmin, uncertain } = await page.organisation();
    if (store || !isAdmin || signal.aborted || sessionStorage.getItem(DISMISSED_KEY)) return;
    const { host, root } = shadowHost('client-hub-hint', css);
    mountNotConnectedHint(
      root,
      () => {
        sessionStorage.setItem(DISMISSED_KEY, '1');
        host.remove();
      },
      uncertain,
    );
    document.body.append(host);
    signal.addEventListener('abort', () => host.remove(), { once: true });
  },
};
