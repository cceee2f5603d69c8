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

// Function words that carry no meaning for ranking: articles, pronouns, auxiliaries, question words
// and common prepositions. Negations ("no", "not", "nor") stay: they change what a memory says.
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can
  could did do does doing down during each few for from further had has have having he her here hers herself him himself his
  how i if in into is it its itself just me more most my myself of off on once only or other our ours ourselves out over own
  same she should so some such than that the their theirs them themselves then there these they this those through to too
  under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves`.split(/\s+/),
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
