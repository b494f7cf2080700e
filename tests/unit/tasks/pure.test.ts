import { expect, test } from 'vitest';
import { csvCell, toCsv } from '@/lib/tasks/csv';
import { fileProblem, safeFileName, tooManyFilesProblem } from '@/lib/tasks/files';
import { xeroTransactionLink } from '@/lib/tasks/links';
import { answerNoteText, joinNotes, splitNote } from '@/lib/tasks/notes';
import { recodedLines } from '@/lib/tasks/xero';

test('a note that fits is sent as it is; a longer one becomes numbered notes of at most 250, nothing lost', () => {
  expect(splitNote('  Paper  for the office ')).toEqual(['Paper for the office']);
  expect(splitNote('x'.repeat(250))).toEqual(['x'.repeat(250)]);
  for (const length of [270, 600, 2600, 30_000]) {
    const words = Array.from({ length }, (_, i) => (i % 7 === 0 ? ' ' : 'abcdefghij'[i % 10]))
      .join('')
      .trim();
    const notes = splitNote(words);
    expect(notes.length).toBeGreaterThan(1);
    for (const [i, note] of notes.entries()) {
      expect(note.length).toBeLessThanOrEqual(250);
      expect(note.startsWith(`(${i + 1}/${notes.length}) `)).toBe(true);
    }
    expect(joinNotes(notes).replace(/\s+/g, ' ')).toBe(words.replace(/\s+/g, ' '));
  }
  // A word longer than a note is split inside, still nothing lost.
  const word = 'y'.repeat(700);
  expect(joinNotes(splitNote(word)).replace(/ /g, '')).toBe(word);
  expect(answerNoteText('Paid   taxi', { id: 'a', code: '420', name: 'Travel' })).toBe(
    "Client Hub: client's answer: Paid taxi Account chosen: 420 Travel.",
  );
});

test('file names are made safe for Xero and unique on the transaction', () => {
  expect(safeFileName('inv<1>:"a/b\\c"|?*+.pdf')).toBe('inv-1---a-b-c-----.pdf');
  expect(safeFileName('nul\u0000byte.png')).toBe('nul-byte.png');
  expect(safeFileName('???')).toBe('attachment');
  expect(safeFileName('receipt.pdf', ['Receipt.PDF', 'receipt (2).pdf'])).toBe('receipt (3).pdf');
  expect(safeFileName(`${'long'.repeat(60)}.jpeg`).length).toBeLessThanOrEqual(100);
  expect(safeFileName(`${'long'.repeat(60)}.jpeg`).endsWith('.jpeg')).toBe(true);
  expect(fileProblem({ name: 'scan.pdf', size: 12 * 1024 * 1024 })).toMatch(/12\.0 MB.*at most 10 MB/);
  expect(fileProblem({ name: 'ok.pdf', size: 10 * 1024 * 1024 })).toBeUndefined();
  expect(tooManyFilesProblem(10, 1)).toMatch(/no more can be added/);
  expect(tooManyFilesProblem(8, 3)).toMatch(/only 2 more/);
  expect(tooManyFilesProblem(8, 2)).toBeUndefined();
});

test('CSV cells that a spreadsheet would run as formulas are prefixed; quoting is right', () => {
  expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
  expect(csvCell('+61 400')).toBe("'+61 400");
  expect(csvCell('-5')).toBe("'-5");
  expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  expect(csvCell(-5)).toBe('-5');
  expect(csvCell('a,b')).toBe('"a,b"');
  expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  expect(csvCell(null)).toBe('');
  expect(toCsv(['A', 'B'], [['=1', 2]])).toBe("A,B\r\n'=1,2");
});

test('Go to Xero links to the transaction inside the right organisation', () => {
  expect(xeroTransactionLink('https://go.xero.com', 'abc-123', '!mBdtL')).toBe(
    'https://go.xero.com/organisationlogin/default.aspx?shortcode=!mBdtL&redirecturl=%2FBank%2FViewTransaction.aspx%3FbankTransactionID%3Dabc-123',
  );
  expect(xeroTransactionLink('http://127.0.0.1:4560/', 'abc')).toBe(
    'http://127.0.0.1:4560/Bank/ViewTransaction.aspx?bankTransactionID=abc',
  );
});

test('recoding sends every line, moves only monitored ones, and no document totals', () => {
  const { lines, moved } = recodedLines(
    [
      { LineItemID: 'l1', AccountID: 'MON', LineAmount: 5, UnitAmount: 5, Quantity: 1, TaxType: 'NONE' },
      { LineItemID: 'l2', AccountID: 'other', LineAmount: 7, TaxType: 'INPUT' },
    ],
    new Set(['mon']),
    'new',
  );
  expect(moved).toBe(1);
  expect(lines).toEqual([
    { LineItemID: 'l1', Quantity: 1, UnitAmount: 5, LineAmount: 5, TaxType: 'NONE', AccountID: 'new' },
    { LineItemID: 'l2', LineAmount: 7, TaxType: 'INPUT', AccountID: 'other' },
  ]);
  expect(JSON.stringify(lines)).not.toMatch(/SubTotal|TotalTax|"Total"/);
});
