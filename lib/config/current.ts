import { xeroConfigFor } from './xero';

/** The configuration this build was made with (Vite replaces import.meta.env at build time). */
export const xeroConfig = xeroConfigFor({
  mode: import.meta.env.MODE,
  clientId: import.meta.env.WXT_XERO_CLIENT_ID,
  sandboxUrl: import.meta.env.WXT_XERO_SANDBOX_URL,
});
