import { expect, test } from 'vitest';
import { csvCell } from '@/lib/tasks/csv';
import { safeFileName } from '@/lib/tasks/files';
import { joinNotes, splitNote } from '@/lib/tasks/notes';
import { graphemes, isolated, withoutHiddenControls } from '@/lib/text/hostile';

const RLO = '\u202e';
const PDI = '\u2069';
const ZWSP = '\u200b';
const ZWJ = '\u200d';
// Every explicit direction control and mark, and the zero-width characters.
const DIRECTION = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  RLO,
  '\u2066',
  '\u2067',
  '\u2068',
  PDI,
  '\u200e',
  '\u200f',
  '\u061c',
];
const ZERO_WIDTH = [ZWSP, '\u200c', ZWJ, '\u2060', '\ufeff', '\u00ad'];
const hidden = new RegExp(`[${[...DIRECTION, ...ZERO_WIDTH].join('')}]`, 'u');

test('file names lose direction controls and zero-width characters before they go to Xero', () => {
  // Shown raw, this name reads "invoiceexe.pdf": the file is really an .exe.
  expect(safeFileName(`invoice${RLO}fdp.exe`)).toBe('invoicefdp.exe');
  expect(safeFileName(`re${ZWSP}ceipt${'\ufeff'}.pdf`)).toBe('receipt.pdf');
  expect(safeFileName(`${RLO}${'\u2066'}${ZWSP}`)).toBe('attachment');
  for (const name of [
    `=cmd|' /C calc'!A0.pdf`,
    `+${RLO}gpj.exe`,
    `\n=1+1.png`,
    `${DIRECTION.join('')}a${ZERO_WIDTH.join('')}.pdf`,
  ]) {
    const safe = safeFileName(name);
    expect(safe).not.toMatch(hidden);
    expect(safe.trim()).toBe(safe);
  }
  // Kept short between whole characters: an emoji at the cut is dropped whole, never halved.
  const long = safeFileName(`${'a'.repeat(95)}👩🏽‍💻👩🏽‍💻.pdf`);
  expect(long.isWellFormed()).toBe(true);
  expect(long.length).toBeLessThanOrEqual(100);
  expect(long.endsWith('.pdf')).toBe(true);
  expect(withoutHiddenControls(`a${RLO}b${ZWJ}c`)).toBe('abc');
});

test('text for plain-text sinks is isolated, and cannot break out of its isolate', () => {
  expect(isolated('Café')).toBe('\u2068Café\u2069');
  const hostile = `Evil${PDI}${RLO} Ltd`;
  const safe = isolated(hostile);
  expect(safe.startsWith('\u2068')).toBe(true);
  expect(safe.endsWith('\u2069')).toBe(true);
  // Exactly one isolate, opened and closed by us: no PDI from Xero can close it early.
  expect(safe.slice(1, -1)).toBe('Evil Ltd');
});

test('History notes are split between whole characters: an emoji is never cut, wherever it falls', () => {
  const emojis = ['😀', '👩🏽‍💻', '🇳🇿', 'é', '👨‍👩‍👧‍👦'];
  for (const emoji of emojis) {
    for (let offset = 200; offset < 260; offset++) {
      const text = `${'x'.repeat(offset)}${emoji}${'y'.repeat(300)} ${emoji} tail`;
      const notes = splitNote(text);
      expect(notes.length).toBeGreaterThan(1);
      for (const note of notes) {
        expect(note.length).toBeLessThanOrEqual(250);
        expect(note.isWellFormed()).toBe(true);
      }
      // Every character of the text is whole in exactly one note.
      const inNotes = notes.flatMap((note) => graphemes(note.replace(/^\(\d+\/\d+\) /, '')));
      expect(inNotes.filter((g) => g === emoji)).toHaveLength(2);
      expect(joinNotes(notes).replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }
  }
  // One "character" longer than a note (hundreds of combining marks) is split by code point.
  const zalgo = `a${'\u0301'.repeat(600)}`;
  const notes = splitNote(zalgo);
  expect(notes.every((note) => note.length <= 250 && note.isWellFormed())).toBe(true);
  expect(joinNotes(notes).replace(/ /g, '')).toBe(zalgo);
});

test('the CSV export keeps text from Xero as text (no formula), whatever it starts with', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    expect(csvCell(`${start}HYPERLINK("http://x")`).replace(/^"/, '').startsWith("'")).toBe(true);
  }
  expect(csvCell(-12.5)).toBe('-12.5');
  expect(csvCell('\n=1+1')).toBe('"\n=1+1"');
});
