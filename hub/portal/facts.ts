import { parseDateString, parseXeroDate } from '../../lib/sync/xero-bank.ts';

/**
 * What a client sees of a bank transaction, from the JSON Xero gave the extension: its amount in
 * the transaction's currency, amounts and dates written as in the organisation's country (Xero's
 * CountryCode, which the extension reports); without a known country, as the currency suggests.
 */
export interface TransactionFacts {
  /** Formatted date, e.g. "2 Nov 2026"; '' when Xero gave none. */
  date: string;
  /** Machine-readable date for <time datetime>, or ''. */
  isoDate: string;
  /** Formatted amount with currency, e.g. "$42.50". */
  amount: string;
  /** Money out (Spend) or in (Receive). */
  direction: 'Paid' | 'Received' | '';
  bankAccount: string;
  payee: string;
  description: string;
  reference: string;
}

const LOCALE_OF_CURRENCY: Record<string, string> = {
  NZD: 'en-NZ',
  AUD: 'en-AU',
  GBP: 'en-GB',
  USD: 'en-US',
  CAD: 'en-CA',
  ZAR: 'en-ZA',
  SGD: 'en-SG',
  HKD: 'en-HK',
  EUR: 'en-IE',
  FJD: 'en-FJ',
};

export const localeOf = (currency: string | undefined) => LOCALE_OF_CURRENCY[currency ?? ''] ?? 'en-GB';

/**
 * English as written in the organisation's country (en-NZ, en-AU…) when Intl knows that locale; else
 * the currency's. A NZ company's US-dollar payment then reads "US$42.50", as its owner expects.
 */
export function localeFor(country: string | null | undefined, currency: string | undefined): string {
  if (country && /^[A-Z]{2}$/.test(country)) {
    const wanted = `en-${country}`;
    if (new Intl.NumberFormat(wanted).resolvedOptions().locale === wanted) return wanted;
  }
  return localeOf(currency);
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const record = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A Xero date (`/Date(ms)/` or `2026-11-02T00:00:00`) as YYYY-MM-DD, or ''. */
function dayOf(transaction: Record<string, unknown>): string {
  const fromString = parseDateString(text(transaction.DateString)) ?? parseDateString(text(transaction.Date));
  if (fromString) return fromString;
  const ms = parseXeroDate(text(transaction.Date));
  return ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10);
}

/** By country and currency: finding the locale builds an Intl object too, so it is done once per pair. */
const formats = new Map<string, { money: Intl.NumberFormat; day: Intl.DateTimeFormat }>();
function formatsFor(country: string | null | undefined, currency: string) {
  const key = `${country ?? ''} ${currency}`;
  let found = formats.get(key);
  if (!found) {
    const locale = localeFor(country, currency);
    let money: Intl.NumberFormat;
    try {
      money = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      // Not a currency Intl knows (or none given): the number, with Xero's code beside it.
      money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    const day = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    found = { money, day };
    formats.set(key, found);
  }
  return found;
}

export function transactionFacts(
  transaction: Record<string, unknown>,
  /** The organisation's country (Xero's CountryCode), when the firm's extension reported it. */
  country?: string | null,
): TransactionFacts {
  const currency = text(transaction.CurrencyCode).toUpperCase();
  const { money, day } = formatsFor(country, currency);
  const isoDate = dayOf(transaction);
  const total = typeof transaction.Total === 'number' ? transaction.Total : undefined;
  let amount = '';
  if (total !== undefined) {
    amount = money.format(total);
    if (money.resolvedOptions().style !== 'currency' && currency) amount = `${amount} ${currency}`;
  }
  const type = text(transaction.Type).toUpperCase();
  const lines = Array.isArray(transaction.LineItems) ? transaction.LineItems : [];
  const descriptions = [...new Set(lines.map((line) => text(record(line).Description)).filter(Boolean))];
  return {
    date: isoDate ? day.format(new Date(`${isoDate}T00:00:00Z`)) : '',
    isoDate,
    amount,
    direction: type.startsWith('SPEND') ? 'Paid' : type.startsWith('RECEIVE') ? 'Received' : '',
    bankAccount: text(record(transaction.BankAccount).Name),
    payee: text(record(transaction.Contact).Name),
    description: descriptions.join('; '),
    reference: text(transaction.Reference),
  };
}
