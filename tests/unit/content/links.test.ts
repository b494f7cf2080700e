import { describe, expect, test } from 'vitest';
import { bankTransactionIdOf, bankTransactionIdOfLink } from '@/lib/content/xero-pages';

const ID = '3f0c2a5e-8b1d-4c6e-9a7f-0123456789ab';
const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const page = 'https://go.xero.com/Bank/BankTransactions.aspx?accountID=1';

/** What URL parsing says: the quick text reading must always agree with it. */
function byUrl(href: string): string | null {
  try {
    return bankTransactionIdOf(new URL(href, page));
  } catch {
    return null;
  }
}

describe('a link’s transaction, read quickly from its text', () => {
  test.each([
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?BANKTRANSACTIONID=${ID.toUpperCase()}`,
    `/Bank/ViewTransaction.aspx?a=1&bankTransactionID=${ID}&b=2`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID}#lines`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=not-a-guid&bankTransactionID=${OTHER}`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID}x`,
    `/Bank/ViewTransaction.aspx?xbankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx#x?bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?q=1#bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?bankTransaction%49D=${ID}&bankTransactionID=${OTHER}`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=%33f0c2a5e-8b1d-4c6e-9a7f-0123456789ab`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID} `,
    `/Bank/ViewTransaction.aspx?a=%41&bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?a=1?bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?bank\tTransactionID=${ID}`,
    `/Bank/View%20Transaction.aspx?bankTransactionID=${ID}`,
    `/Bank/a&bankTransactionID=${OTHER}/ViewTransaction.aspx?bankTransactionID=${ID}`,
    `/organisationlogin/default.aspx?redirecturl=%2FBank%2FViewTransaction.aspx%3FbankTransactionID%3D${ID}`,
    `https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`,
    'ViewTransaction.aspx',
    '',
  ])('%s', (href) => {
    expect(bankTransactionIdOfLink(href, page)).toBe(byUrl(href));
  });

  test('ids come back lower-cased', () => {
    expect(bankTransactionIdOfLink(`?BankTransactionId=${ID.toUpperCase()}`, page)).toBe(ID);
  });
});
