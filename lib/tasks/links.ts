/**
 * "Go to Xero": the transaction's page in the right organisation. The short code makes Xero switch to
 * that organisation first; without one the link still opens the transaction in whichever is current.
 */
export function xeroTransactionLink(appBase: string, bankTransactionId: string, shortCode?: string): string {
  const page = `/Bank/ViewTransaction.aspx?bankTransactionID=${encodeURIComponent(bankTransactionId)}`;
  const base = appBase.replace(/\/+$/, '');
  if (!shortCode) return `${base}${page}`;
  return `${base}/organisationlogin/default.aspx?shortcode=${encodeURIComponent(shortCode)}&redirecturl=${encodeURIComponent(page)}`;
}
