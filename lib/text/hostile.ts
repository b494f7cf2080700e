/**
 * Text from Xero (contact names, descriptions, file names, company names) can carry Unicode direction
 * controls and invisible characters: an unmatched RIGHT-TO-LEFT OVERRIDE in a contact name showed
 * "12.34 NZD" as "DZN 43.21". Pages show such text isolated (`<bdi>`, see components/XeroText); what
 * has no element to isolate it (a tooltip, a file name) goes through here.
 */

/** Embeddings, overrides, isolates and their ends (LRE…RLO, LRI…PDI), plus the marks (LRM, RLM, ALM). */
const DIRECTION_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width and invisible characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, Mongolian vowel separator). */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/g;

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/** Without direction controls or zero-width characters: for names that must read as they are stored. */
export function withoutHiddenControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, '').replace(INVISIBLE, '');
}

/**
 * Xero text made safe to put inside a sentence that is plain text (a tooltip, a confirm message):
 * its own direction controls removed, then wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE,
 * so Arabic or Hebrew still reads right and cannot reorder the words around it.
 */
export function isolated(text: string): string {
  return `${FIRST_STRONG_ISOLATE}${text.replace(DIRECTION_CONTROLS, '')}${POP_DIRECTIONAL_ISOLATE}`;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters (an emoji with its modifiers, a letter with its accents) in order. */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}
