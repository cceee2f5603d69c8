import { createHash } from 'node:crypto';

/** The form two memories must share to count as exact duplicates: NFKC, lower case, single spaces, no trailing full stop. */
export function normaliseContent(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[.!]+$/u, '')
    .trim();
}

/** A short stable key of the normalised text, indexed by stores for duplicate lookups. */
export function contentKey(text: string): string {
  return createHash('sha256').update(normaliseContent(text)).digest('base64url');
}

// Words that carry no meaning for ranking. Short on purpose: BM25 already discounts common words,
// and a longer list (pronouns, more prepositions) measured no better on bench/locomo.
const STOPWORDS = new Set(
  `a an and are as at be but by did do does for from had has have how i in is it its me my of on or our so that the their them they this to was we were what when where which who why will with you your`.split(/\s+/),
);

/**
 * Splits a free-text query into lower-case word terms for keyword search, dropping stopwords,
 * possessive and contracted endings ("Sofia's" → sofia, "didn't" → didn), and repeats.
 */
export function keywordTerms(query: string): string[] {
  const text = query.normalize('NFKC').toLowerCase().replace(/(\p{L})['’](s|t|d|ll|re|ve|m)(?![\p{L}\p{N}])/gu, '$1');
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = new Set<string>();
  for (const word of words) {
    if (!STOPWORDS.has(word)) terms.add(word);
  }
  // A query made only of stopwords still searches for them rather than for nothing.
  if (terms.size === 0) for (const word of words) terms.add(word);
  return [...terms].slice(0, 64);
}

/**
 * The first `max` characters (code points) of `text`: all of it when it is no longer. A surrogate
 * pair is never split. What an embedder with an input limit sees of a longer text.
 */
export function firstChars(text: string, max: number): string {
  // A UTF-16 string holds at least length / 2 code points: shorter ones cannot exceed `max`.
  if (text.length <= max) return text;
  let units = 0;
  for (let chars = 0; chars < max && units < text.length; chars++) {
    const unit = text.charCodeAt(units);
    const next = text.charCodeAt(units + 1);
    units += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, units);
}

/** Whether an embedder whose input limit is `max` characters sees only the start of `text`. */
export function beyondChars(text: string, max: number | undefined): boolean {
  return max !== undefined && text.length > max && firstChars(text, max).length < text.length;
}

/** The least string above every string that starts with `prefix` (its last character raised by one): a prefix as a range. */
export function nextPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
