import { graphemes } from '../text/hostile';
import type { ChosenAccount } from './records';

/** Xero's limit for one History note (the official page; another source says 2,500: design for 250). */
export const HISTORY_NOTE_MAX = 250;

/** The text an answer leaves in the transaction's History, before splitting. */
export function answerNoteText(answer: string, account: ChosenAccount | null): string {
  const words = answer.replace(/\s+/g, ' ').trim();
  const coded = account ? ` Account chosen: ${[account.code, account.name].filter(Boolean).join(' ')}.` : '';
  return `Client Hub: client's answer: ${words}${coded}`;
}

/**
 * Splits a note into History notes of at most `max` characters. One that fits is sent as it is; a
 * longer one becomes numbered notes "(1/3) …", split between words where possible, so nothing is cut:
 * the parts joined back give the whole text.
 */
export function splitNote(text: string, max: number = HISTORY_NOTE_MAX): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return [];
  if (flat.length <= max) return [flat];
  const chars = graphemes(flat);
  // The prefix grows with the count ("(10/12) "), so find a count whose prefixes leave room for it.
  for (let count = 2; ; count++) {
    const prefix = (i: number) => `(${i}/${count}) `;
    const parts = chunk(chars, (i) => max - prefix(i + 1).length);
    if (parts.length <= count) {
      if (parts.length < count) continue;
      return parts.map((part, i) => `${prefix(i + 1)}${part}`);
    }
  }
}

/**
 * Cuts the text (its `characters`, from graphemes()) into parts of at most `room(i)` UTF-16 units (how Xero counts), only between whole
 * characters: an emoji, a flag or a letter with its accents is never cut in half.
 */
function chunk(characters: readonly string[], room: (index: number) => number): string[] {
  const parts: string[] = [];
  const chars = [...characters];
  let start = 0;
  while (start < chars.length) {
    const size = room(parts.length);
    if (size < 1) throw new Error('note limit too small');
    let end = start;
    let used = 0;
    while (end < chars.length && used + (chars[end] as string).length <= size) {
      used += (chars[end] as string).length;
      end++;
    }
    if (end === chars.length) {
      parts.push(chars.slice(start).join(''));
      break;
    }
    if (end === start) {
      // One "character" longer than a note (hundreds of combining marks): split it by code point.
      const points = Array.from(chars[start] as string);
      if (points.length === 1) throw new Error('note limit too small');
      chars.splice(start, 1, ...points);
      continue;
    }
    // Break at the last space within the room (one just after it counts); a word longer than half
    // the room is split inside.
    let cut = end;
    let offset = used;
    for (let at = end; at > start; at--) {
      if (chars[at] === ' ' && offset > size / 2) {
        cut = at;
        break;
      }
      offset -= (chars[at - 1] as string).length;
    }
    parts.push(chars.slice(start, cut).join('').trimEnd());
    start = cut;
    while (chars[start] === ' ') start++;
  }
  return parts;
}

/** The text the numbered notes carry, joined back (for tests and for showing what Xero holds). */
export function joinNotes(notes: readonly string[]): string {
  return notes.map((note) => note.replace(/^\(\d+\/\d+\) /, '')).join(' ');
}

/**
 * The notes not yet in the transaction's History (`inHistory`: the Details Xero lists), in order.
 * Words already there are not written again, whoever wrote them when: a repeat adds nothing, and no
 * clock or key window decides it. Each note there stands for one of ours (two equal notes need two).
 */
export function notesStillToWrite(
  notes: readonly string[],
  inHistory: readonly (string | null | undefined)[],
): string[] {
  const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
  const there = new Map<string, number>();
  for (const details of inHistory) {
    if (!details) continue;
    const key = flat(details);
    there.set(key, (there.get(key) ?? 0) + 1);
  }
  return notes.filter((note) => {
    const left = there.get(flat(note)) ?? 0;
    if (left === 0) return true;
    there.set(flat(note), left - 1);
    return false;
  });
}
