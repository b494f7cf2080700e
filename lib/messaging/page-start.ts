/**
 * The start script's one message (entrypoints/xero-start.ts): its page has loaded, inject the
 * content script into the sending frame. No imports: the start script stays a few hundred bytes.
 * The background checks it with the other page requests (lib/messaging/page-contract.ts).
 */
export const START_PAGE_SCRIPT = { type: 'xero.startPage' } as const;
