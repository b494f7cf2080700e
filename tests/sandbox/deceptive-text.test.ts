import { afterAll, beforeAll, expect, test } from 'vitest';
import { DECEPTIVE_FILE_NAMES, DECEPTIVE_TEXT } from '../../sandbox/data/text.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { start } from './helpers.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await start({ scale: 3000 });
});
afterAll(() => sandbox.close());

test('the seeded data carries direction controls, zero-width characters, formulas and deceptive file names', () => {
  const transactions = sandbox.state.organisations.flatMap((o) => o.transactions);
  const texts = transactions.flatMap((t) => [
    t.contact.name,
    t.reference,
    ...t.lineItems.map((l) => l.description),
  ]);
  const seen = new Set(texts.filter((text) => DECEPTIVE_TEXT.includes(text)));
  expect(seen.size).toBeGreaterThan(DECEPTIVE_TEXT.length / 2);
  expect(texts.some((text) => text.includes('\u202e'))).toBe(true);
  expect(texts.some((text) => text.includes('\u200b'))).toBe(true);
  expect(texts.some((text) => /^[=+\-@\n]/.test(text))).toBe(true);
  const fileNames = sandbox.state.organisations.flatMap((o) =>
    [...o.attachments.values()].flat().map((a) => a.fileName),
  );
  expect(new Set(fileNames.filter((name) => DECEPTIVE_FILE_NAMES.includes(name))).size).toBeGreaterThan(2);
  // One name per file on a transaction, as in Xero.
  for (const list of sandbox.state.organisations.flatMap((o) => [...o.attachments.values()])) {
    expect(new Set(list.map((a) => a.fileName.toLowerCase())).size).toBe(list.length);
  }
});
