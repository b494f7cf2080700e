/**
 * Identity of the sandbox build of the extension. The sandbox registers these as a PKCE app, so
 * both sides must agree: the extension id comes from the manifest `key` and fixes the Chromium
 * redirect URI; the gecko id fixes Firefox's.
 */

/** Public key only: it pins the unpacked extension's id. Not used in production builds. */
export const SANDBOX_MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAi6GXe2XwHEkMBDopZLzsRnMlkQ6iCnKwXOwGb9H3LCwlIdqO645HkxE9g2BHRa6mfSc7bsWRTiym4X69CqJ211Hc95WZeA4OVk7DLkM91wZkDs9zOqDkVc3GPD5gSasS89xePREDFTdYRamuqV3rQn02TWjWCNX0UeRxJH/HLaTlesLLKuBc2schZh86LV2ryvpHVOYGP7DvsCAB4SKafslaalb9xJa9DkeQK0mV/1qqB4D9LGO0xBAcnk5TNrZ9GTJHRyTGNI1LjXO629LHoEfby50Id2AyerqjaZT4KyupkWumoJbTOvTJVDwim3EuBCekrtSNOAo4MIuaCpMZzwIDAQAB';

/** The Chromium extension id that SANDBOX_MANIFEST_KEY produces (checked by a unit test). */
export const SANDBOX_CHROME_EXTENSION_ID = 'lfilmlbliahdnldfhnddofggiilneoic';

/** Firefox add-on id, used by every Firefox build (production and sandbox). */
export const GECKO_ID = 'client-hub-for-xero@clienthub.app';

/** Firefox's identity.getRedirectURL(): https://<sha1-hex of the add-on id>.extensions.allizom.org/ */
export const SANDBOX_FIREFOX_REDIRECT_HOST_HASH = 'e3b555d6d66db2c6e29eb55565695dbb9f2bda96';

export const SANDBOX_CLIENT_ID = 'client-hub-sandbox';

/** The port the sandbox build expects the Xero sandbox on unless XERO_SANDBOX_URL says otherwise. */
export const SANDBOX_DEFAULT_PORT = 4560;

export const SANDBOX_REDIRECT_URIS = [
  `https://${SANDBOX_CHROME_EXTENSION_ID}.chromiumapp.org/`,
  `https://${SANDBOX_FIREFOX_REDIRECT_HOST_HASH}.extensions.allizom.org/`,
] as const;

/** Public client that tools and tests outside the extension sign in with. */
export const SANDBOX_TEST_CLIENT_ID = 'sandbox-test-client';
export const SANDBOX_TEST_REDIRECT_URI = 'http://localhost:8765/callback';

export const SANDBOX_DEMO_USER = { email: 'demo@sandbox.test', password: 'demo' } as const;
