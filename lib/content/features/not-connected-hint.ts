import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { mountNotConnectedHint } from '@/components/badge/panel';
import type { PageFeature } from '../features';
import { pageKindOf } from '../xero-pages';

/** Shown once per browser session and Xero tab, so it stays discreet. */
const DISMISSED_KEY = 'client-hub-hint-dismissed';

/**
 * On a Xero company that is not connected: nothing for Staff; one small, dismissible hint for Admins
 * on bank pages. Test by hand: a bank page of an organisation not connected in the options page.
 */
export const notConnectedHint: PageFeature = {
  id: 'not-connected-hint',
  include: (url) => pageKindOf(url) !== 'other',
  async init(signal, page, ctx) {
    const { store, isAdmin } = await page.organisation();
    if (store || !isAdmin || signal.aborted || sessionStorage.getItem(DISMISSED_KEY)) return;
    const ui = await createShadowRootUi(ctx, {
      name: 'client-hub-hint',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      onMount(container) {
        mountNotConnectedHint(container, () => {
          sessionStorage.setItem(DISMISSED_KEY, '1');
          ui.remove();
        });
      },
    });
    if (signal.aborted) return;
    ui.mount();
    signal.addEventListener('abort', () => ui.remove(), { once: true });
  },
};
