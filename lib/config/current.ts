import { productionXeroConfig, xeroConfigFor } from './xero';

/**
 * The configuration this build was made with. Vite replaces import.meta.env at build time, so a
 * production bundle drops the sandbox branch and with it every sandbox address and client id.
 */
export const xeroConfig =
  import.meta.env.MODE === 'sandbox'
    ? xeroConfigFor({
        mode: 'sandbox',
        clientId: import.meta.env.WXT_XERO_CLIENT_ID,
        sandboxUrl: import.meta.env.WXT_XERO_SANDBOX_URL,
      })
    : productionXeroConfig(import.meta.env.WXT_XERO_CLIENT_ID);
