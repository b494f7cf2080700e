/** Names and descriptions for generated transactions, including text that must never be trusted as HTML. */

export const HOSTILE_TEXT: readonly string[] = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "Robert'); DROP TABLE Contacts;--",
  'Café ☕ Zoë & Søn 🍰🚀',
  'مخبز الأصدقاء',
  'מאפיית השכונה',
  // Xero caps contact names at 255 characters (the OpenAPI schema says so), so the longest name is 255.
  `Very Long Name ${'Pty '.repeat(72)}Ltd`.slice(0, 255),
];

/**
 * Text that reads differently from what it is: Unicode direction controls (an unmatched RIGHT-TO-LEFT
 * OVERRIDE turns "12.34 NZD" after it into "DZN 43.21"), zero-width characters, and leading = + - @
 * or a newline (a spreadsheet formula if exported carelessly). Drawn from their own random stream,
 * so adding one does not change the rest of the generated data.
 */
export const DECEPTIVE_TEXT: readonly string[] = [
  'Reversed \u202eLtd',
  '\u2067Unclosed isolate Co',
  'Embedded \u202bright-to-left\u202c then \u2069stray end',
  'Zero\u200bWidth\u200c Join\u200der\u2060 Ltd\ufeff',
  '=HYPERLINK("http://evil.test","Refund")',
  '+64 Trading',
  '-1+1 Holdings',
  '@SUM(1+1)',
  "\n=cmd|' /C calc'!A0",
  'شركة \u200fالأمل 12.34',
];

/** Attachment names that hide what they are (shown raw, "invoice\u202efdp.exe" reads "invoiceexe.pdf"). */
export const DECEPTIVE_FILE_NAMES: readonly string[] = [
  'invoice\u202efdp.exe',
  're\u200bceipt.pdf',
  '=receipt.pdf',
  '\u2067photo\u2069.png',
  'إيصال.pdf',
];

/** Longer than any name Xero allows; used for descriptions and references, which have no such cap. */
export const LONG_TEXT = `A very long bank statement description ${'that keeps going '.repeat(20)}`.slice(
  0,
  300,
);

export const CONTACT_NAMES: readonly string[] = [
  'Acme Office Supplies',
  'Bayside Power Co',
  'City Council Rates',
  'Coffee Bean Wholesale',
  'Countdown Supermarket',
  'Courier Express',
  'Fibre Internet Ltd',
  'Fuel Stop',
  'Green Clean Services',
  'Harbour Insurance',
  'Hardware Warehouse',
  'Kiwi Print Shop',
  'Landlord Properties',
  'Local Bakery Supplies',
  'Mobile Network One',
  'Office Chairs Direct',
  'Parking Authority',
  'QuickBooks Migration Consultants',
  'Sparkle Windows',
  'Stationery World',
  'Taxi Co-op',
  'The Accounting Practice',
  'Uber',
  'Airline Pacific',
  'Software Subscriptions Inc',
  'Web Hosting Ltd',
  'Hotel Central',
  'Repair Masters',
  'Jones & Daughters',
  "O'Brien Plumbing Supplies",
  'Ridgeway University',
  'Marine Systems',
  'Boom FM',
  'Petty Cash',
  'Customer - Walk in',
  'Wholesale Customer Ltd',
  'Event Hire Co',
  'Bank',
];

export const SPEND_DESCRIPTIONS: readonly string[] = [
  'Office supplies',
  'Monthly subscription',
  'Fuel',
  'Power bill',
  'Internet and phone',
  'Courier charges',
  'Cleaning service',
  'Coffee beans',
  'Stationery',
  'Repairs to equipment',
  'Parking',
  'Client lunch',
  'Card purchase',
  'Bank fee',
  'Unknown card payment',
  'Direct debit',
  'Insurance premium',
  'Rent for the month',
];

export const RECEIVE_DESCRIPTIONS: readonly string[] = [
  'Cash sales',
  'Card takings',
  'Customer payment',
  'Interest',
  'Refund',
  'Deposit',
  'Unidentified deposit',
];
