interface ImportMetaEnv {
  readonly WXT_XERO_CLIENT_ID?: string;
  readonly WXT_XERO_SANDBOX_URL?: string;
}
