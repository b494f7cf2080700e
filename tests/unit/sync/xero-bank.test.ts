import { describe, expect, test } from 'vitest';
import { addDays, backfillFromDate, ianaTimeZone, localDate } from '@/lib/sync/timezone';
import {
  backfillWhere,
  bankTransactionsPageSchema,
  incrementalWhere,
  modifiedSinceHeader,
  parseDateString,
  parseXeroDate,
  readAccount,
  readBankTransaction,
} from '@/lib/sync/xero-bank';

const xeroTransaction = {
  BankTransactionID: 'ABCDEF12-0000-0000-0000-000000000001',
  BankAccount: { AccountID: 'BANK-1', Code: '090', Name: 'Business Cheque' },
  Type: 'SPEND',
  Reference: 'INV-1',
  IsReconciled: false,
  HasAttachments: true,
  Contact: { ContactID: 'c1', Name: 'Acme Ltd' },
  DateString: '2026-10-13T00:00:00',
  Date: '/Date(1791849600000+0000)/',
  Status: 'AUTHORISED',
  LineAmountTypes: 'Inclusive',
  LineItems: [
    { Description: 'Paper', AccountCode: '999', AccountID: 'ACC-1', LineAmount: 10, Tracking: [] },
    { Description: 'Pens ', AccountCode: '453', AccountID: 'ACC-2', LineAmount: 2.5 },
  ],
  SubTotal: 10.87,
  TotalTax: 1.63,
  Total: 12.5,
  UpdatedDateUTC: '/Date(1792100000123+0000)/',
  CurrencyCode: 'NZD',
  SomethingXeroAddedLater: { nested: true },
};

describe('Xero JSON dates', () => {
  test('.NET dates with and without an offset are epoch ms', () => {
    expect(parseXeroDate('/Date(1476316800000+0000)/')).toBe(1476316800000);
    expect(parseXeroDate('/Date(1551212901659)/')).toBe(1551212901659);
    expect(parseXeroDate('/Date(-86400000+1300)/')).toBe(-86400000);
    expect(parseXeroDate('2016-10-13')).toBeUndefined();
    expect(parseXeroDate('/Date(abc)/')).toBeUndefined();
  });

  test('DateString is a calendar date; impossible dates are refused', () => {
    expect(parseDateString('2016-10-13T00:00:00')).toBe('2016-10-13');
    expect(parseDateString('2016-10-13')).toBe('2016-10-13');
    expect(parseDateString('2016-02-30T00:00:00')).toBeUndefined();
    expect(parseDateString('13/10/2016')).toBeUndefined();
  });

  test('If-Modified-Since is UTC to the second, without a zone', () => {
    expect(modifiedSinceHeader(Date.parse('2026-11-25T10:11:12.999Z'))).toBe('2026-11-25T10:11:12');
  });
});

describe('reading /BankTransactions records', () => {
  test('a full record, with extra fields, becomes what tasks need', () => {
    const read = readBankTransaction(xeroTransaction, 't1', 'page 1 record #1');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.record).toEqual({
      tenantId: 't1',
      bankTransactionId: 'abcdef12-0000-0000-0000-000000000001',
      type: 'SPEND',
      status: 'AUTHORISED',
      date: '2026-10-13',
      contactName: 'Acme Ltd',
      contactId: 'c1',
      description: 'Paper; Pens',
      reference: 'INV-1',
      total: 12.5,
      currency: 'NZD',
      bankAccount: { id: 'bank-1', name: 'Business Cheque' },
      lineItems: [
        { accountId: 'acc-1', accountCode: '999', lineAmount: 10, description: 'Paper' },
        { accountId: 'acc-2', accountCode: '453', lineAmount: 2.5, description: 'Pens ' },
      ],
      hasAttachments: true,
      updatedDateUtc: 1792100000123,
      isReconciled: false,
    });
  });

  test('without DateString the .NET Date gives the day', () => {
    const { DateString: _omitted, ...rest } = xeroTransaction;
    const read = readBankTransaction(rest, 't1', 'x');
    expect(read.ok && read.record.date).toBe('2026-10-13');
  });

  test.each([
    ['a Total that is not a number', { Total: '12.50' }, /^Total/],
    ['an unreadable UpdatedDateUTC', { UpdatedDateUTC: 'yesterday' }, /^UpdatedDateUTC: not a Xero date/],
    ['no line items', { LineItems: undefined }, /^LineItems: missing/],
    ['no bank account', { BankAccount: null }, /^BankAccount/],
  ])('%s is quarantined with a plain reason', (_name, change, reason) => {
    const read = readBankTransaction({ ...xeroTransaction, ...change }, 't1', 'page 2 record #7');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.quarantine.recordId).toBe('abcdef12-0000-0000-0000-000000000001');
    expect(read.quarantine.source).toBe('BankTransactions');
    expect(read.quarantine.reason).toMatch(reason);
    expect(read.quarantine.rawSnippet.length).toBeLessThanOrEqual(501);
  });

  test('a record without an id is quarantined under its position', () => {
    const read = readBankTransaction('garbage', 't1', 'page 2 record #7');
    expect(!read.ok && read.quarantine.recordId).toBe('page 2 record #7');
  });

  test('the page envelope needs BankTransactions; pagination and DateTimeUTC are read', () => {
    const page = bankTransactionsPageSchema.parse({
      Id: 'x',
      Status: 'OK',
      DateTimeUTC: '/Date(1551212901659)/',
      pagination: { page: 1, pageSize: 1000, pageCount: 3, itemCount: 2345 },
      BankTransactions: [xeroTransaction, 'broken'],
    });
    expect(page.DateTimeUTC).toBe(1551212901659);
    expect(page.BankTransactions).toHaveLength(2);
    expect(bankTransactionsPageSchema.safeParse({ Status: 'OK' }).success).toBe(false);
  });

  test('accounts: bank accounts are told apart; a broken one is quarantined', () => {
    const bank = readAccount(
      { AccountID: 'A1', Code: '090', Name: 'Cheque', Type: 'BANK', Class: 'ASSET', Status: 'ACTIVE' },
      't1',
      '#1',
    );
    expect(bank.ok && bank.record.isBankAccount).toBe(true);
    expect(readAccount({ AccountID: 'A2' }, 't1', '#2').ok).toBe(false);
  });
});

describe('queries', () => {
  test('backfill asks for supported, authorised transactions from the first day', () => {
    expect(backfillWhere(['SPEND'], '2026-08-28')).toBe(
      'Type=="SPEND" AND Status=="AUTHORISED" AND Date>=DateTime(2026,08,28)',
    );
    expect(backfillWhere(['SPEND', 'RECEIVE'], '2026-08-28')).toBe(
      '(Type=="SPEND" OR Type=="RECEIVE") AND Status=="AUTHORISED" AND Date>=DateTime(2026,08,28)',
    );
  });

  test('incremental sync sees every status and date', () => {
    expect(incrementalWhere(['SPEND'])).toBe('Type=="SPEND"');
  });
});

describe('the 90 days in the organisation’s time zone', () => {
  test('Xero time zone names map to IANA zones; unknown ones fall back to UTC', () => {
    expect(ianaTimeZone('NEWZEALANDSTANDARDTIME')).toBe('Pacific/Auckland');
    expect(ianaTimeZone('AUSEASTERNSTANDARDTIME')).toBe('Australia/Sydney');
    expect(ianaTimeZone('GMTSTANDARDTIME')).toBe('Europe/London');
    expect(ianaTimeZone('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(ianaTimeZone('MARSSTANDARDTIME')).toBe('UTC');
    expect(ianaTimeZone(undefined)).toBe('UTC');
    expect(ianaTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });

  test('today and the 89 days before it, counted where the organisation is', () => {
    const noonUtc = Date.parse('2026-11-25T12:00:00Z');
    // Already the 26th in Auckland (UTC+13 in summer), still the 25th in London.
    expect(localDate(noonUtc, 'Pacific/Auckland')).toBe('2026-11-26');
    expect(backfillFromDate(noonUtc, 'NEWZEALANDSTANDARDTIME')).toBe('2026-08-29');
    expect(backfillFromDate(noonUtc, 'GMTSTANDARDTIME')).toBe('2026-08-28');
    expect(backfillFromDate(noonUtc, 'UNKNOWN')).toBe('2026-08-28');
    // Late evening in Los Angeles is already tomorrow in UTC.
    const earlyUtc = Date.parse('2026-11-26T05:00:00Z');
    expect(backfillFromDate(earlyUtc, 'PACIFICSTANDARDTIME')).toBe('2026-08-28');
    expect(backfillFromDate(earlyUtc, 'UTC')).toBe('2026-08-29');
  });

  test('calendar arithmetic crosses months, years and daylight saving without drifting', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2027-01-05', -89)).toBe('2026-10-08');
    expect(backfillFromDate(Date.parse('2026-04-05T14:30:00Z'), 'NEWZEALANDSTANDARDTIME', 1)).toBe(
      '2026-04-06',
    );
  });
});
