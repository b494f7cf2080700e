/** Words that say nothing about what was bought. */
const STOPWORDS = new Set([
  'the',
  'and',
  'for',
  'from',
  'with',
  'inv',
  'invoice',
  'ref',
  'reference',
  'payment',
  'paid',
  'pay',
  'purchase',
  'card',
  'ltd',
  'limited',
  'pty',
  'inc',
  'llc',
  'co',
  'company',
  'nz',
  'au',
  'uk',
  'pos',
  'eftpos',
  'visa',
  'debit',
  'credit',
  'direct',
  'transfer',
  'online',
  'www',
  'com',
]);
const LEGAL_SUFFIXES = /\b(ltd|limited|pty|inc|llc|co|company|plc|gmbh)\b/g;
const MAX_TOKENS = 12;

/** Lower-case words of a description or reference: letters in any script, no numbers, no noise words. */
export function tokensOf(...texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const raw of text
      .toLowerCase()
      .normalize('NFKC')
      .split(/[^\p{L}\p{N}]+/u)) {
      if (raw.length < 3 || !/\p{L}/u.test(raw) || STOPWORDS.has(raw)) continue;
      words.add(raw.length > 24 ? raw.slice(0, 24) : raw);
      if (words.size >= MAX_TOKENS) return [...words];
    }
  }
  return [...words];
}

/** A contact's name without case, punctuation or legal suffix: "Fuel Stop Ltd." and "fuel stop" agree. */
export function nameKeyOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(LEGAL_SUFFIXES, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}
