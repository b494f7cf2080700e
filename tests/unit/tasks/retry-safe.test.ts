import { expect, test } from 'vitest';
import { notesStillToWrite } from '@/lib/tasks/notes';
import { renewedKey } from '@/lib/tasks/outbox';
import { recodedShape, sameShape, shapeOf } from '@/lib/tasks/xero';

test('only the notes History does not have yet are written again, in order, each note there counting once', () => {
  const notes = ['(1/3) one', '(2/3) two', '(3/3) three'];
  expect(notesStillToWrite(notes, [])).toEqual(notes);
  expect(notesStillToWrite(notes, ['(2/3)  two ', null, 'Created by API', '(1/3) one'])).toEqual([
    '(3/3) three',
  ]);
  expect(notesStillToWrite(notes, [...notes].reverse())).toEqual([]);
  // Two equal notes need two in History.
  expect(notesStillToWrite(['same', 'same'], ['same'])).toEqual(['same']);
  expect(notesStillToWrite(['same', 'same'], ['same', 'same', 'same'])).toEqual([]);
});

test('a renewed Idempotency-Key is new every time, keeps its origin and stays within 128 characters', () => {
  const base = `note-${'a'.repeat(64)}`;
  const once = renewedKey(base, '11111111-2222-4333-8444-555555555555');
  const twice = renewedKey(once, '66666666-7777-4888-9999-000000000000');
  expect(once).not.toBe(base);
  expect(twice).not.toBe(once);
  expect(once.startsWith(`${base}~`)).toBe(true);
  expect(twice.startsWith(`${base}~`)).toBe(true);
  expect(twice.split('~')).toHaveLength(2);
  expect(renewedKey('x'.repeat(200), 'y'.repeat(60)).length).toBeLessThanOrEqual(128);
});

test('a recode compares the transaction as closed with Xero’s: accounts, amounts and total', () => {
  const seen = {
    total: 57.5,
    lines: [
      { accountId: 'uncat', lineAmount: 42.5 },
      { accountId: 'fuel', lineAmount: 15 },
    ],
  };
  const xero = (lines: { AccountID: string; LineAmount: number }[], Total?: number) =>
    shapeOf({ LineItems: lines, ...(Total === undefined ? {} : { Total }) });
  const same = xero(
    [
      { AccountID: 'FUEL', LineAmount: 15 },
      { AccountID: 'UNCAT', LineAmount: 42.5 },
    ],
    57.5,
  );
  expect(sameShape(seen, same)).toBe(true);
  expect(sameShape(seen, xero([{ AccountID: 'UNCAT', LineAmount: 57.5 }], 57.5))).toBe(false);
  expect(
    sameShape(
      seen,
      xero([
        { AccountID: 'uncat', LineAmount: 40 },
        { AccountID: 'fuel', LineAmount: 15 },
      ]),
    ),
  ).toBe(false);
  // Only the total known (no synced lines): the total decides.
  expect(sameShape({ total: 57.5 }, same)).toBe(true);
  expect(sameShape({ total: 57.49 }, same)).toBe(false);
  // The recode already in Xero is recognised as such.
  const done = recodedShape(seen, new Set(['uncat']), 'TRAVEL');
  expect(
    sameShape(
      done,
      xero([
        { AccountID: 'travel', LineAmount: 42.5 },
        { AccountID: 'fuel', LineAmount: 15 },
      ]),
    ),
  ).toBe(true);
  expect(sameShape(done, same)).toBe(false);
});
