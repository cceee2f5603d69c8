import { normaliseContent } from './text.js';

/**
 * Words that change no meaning when added or dropped: articles and a few fillers. Closed and short
 * on purpose; everything else (negations, numbers, names, dates, verbs, prepositions, "very",
 * "just", "still", "only"...) is a content word.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'really', 'actually', 'also', 'indeed', 'definitely', 'certainly', 'truly', 'basically', 'um', 'uh']);

/** Negations. A filler right after one is a content word ("not really" is not "not"). */
export const NEGATION_WORDS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'without']);

/** Words that may open a phrase moved from the start of a statement to its end ("On Mondays, X" is "X on Mondays"). */
export const FRONTING_WORDS: ReadonlySet<string> = new Set([
  'after', 'at', 'before', 'by', 'during', 'every', 'for', 'from', 'in', 'last', 'next', 'on', 'since', 'this', 'throughout', 'today', 'tomorrow', 'tonight', 'until', 'with', 'within', 'yesterday',
]);

/** The longest phrase that may be moved, in words: a time or place phrase is short, and the check stays linear in the text. */
export const MAX_FRONTED_WORDS = 12;

/** Words that join clauses: a statement holding one is never reordered, as a moved phrase could cross into another clause. */
const CLAUSE_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'but', 'nor', 'while', 'whereas', 'then']);

const CONTRACTIONS: Record<string, string[]> = { "can't": ['can', 'not'], cannot: ['can', 'not'], "won't": ['will', 'not'], "shan't": ['shall', 'not'] };
const SUFFIXES: [string, string][] = [["n't", 'not'], ["'re", 'are'], ["'m", 'am'], ["'ve", 'have'], ["'ll", 'will']];

// A word: letters, marks and digits, joined by an inner apostrophe ("isn't", "Alice's") or, between
// digits, by . , : / - ("10:15", "1,234", "3.5", "2024-05-03"): a number is one word.
const WORD = /[\p{L}\p{M}\p{N}]+(?:(?:'|(?<=\p{N})[.,:/-](?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;
// What may stand between a sentence's end (or the text's start) and its first word.
const LEAD_IN = /[\s"'“‘«([{*•·–—-]/u;

/**
 * Whether two texts state the same thing, so that a near-duplicate write may merge one into the
 * other without changing what the memory says. True when they are equal after normalisation (case,
 * spacing, a final full stop), or when their words, compared without case, are the same words in
 * the same order once filler words are left out (see FILLER_WORDS; "isn't" counts as "is not"),
 * or the same except that one moves a phrase of at most MAX_FRONTED_WORDS words opening with a
 * FRONTING_WORDS word from its start to its end. Any other difference, however small (a negation, a number, a name, a date, any other
 * word, word order), means two statements. Conservative by design: a missed merge stores a second
 * memory, a wrong merge loses one.
 */
export function sameStatement(a: string, b: string): boolean {
  if (normaliseContent(a) === normaliseContent(b)) return true;
  const [x, y] = [contentWords(a), contentWords(b)];
  if (x.length === 0 || y.length === 0 || x.length !== y.length) return false;
  return equal(x, y) || fronted(x, y) || fronted(y, x);
}

/** The words of `text` that carry meaning, lower-cased, contractions expanded, fillers dropped. */
export function contentWords(text: string): string[] {
  const source = text.normalize('NFKC').replace(/[’‘ʼ]/gu, "'");
  const words: string[] = [];
  for (const match of source.matchAll(WORD)) {
    const word = match[0];
    const lower = word.toLowerCase();
    // A capitalised word inside a sentence is a name ("The Hague", "Will"), never a filler.
    const named = /\p{Lu}/u.test(word) && !sentenceStart(source, match.index);
    const parts = expand(lower);
    for (const [i, part] of parts.entries()) {
      const previous = words[words.length - 1];
      const filler = i === 0 && !named && FILLER_WORDS.has(part) && !(previous !== undefined && NEGATION_WORDS.has(previous));
      if (!filler) words.push(part);
    }
  }
  return words;
}

function expand(word: string): string[] {
  const whole = CONTRACTIONS[word];
  if (whole) return whole;
  for (const [suffix, full] of SUFFIXES) {
    if (word.length > suffix.length && word.endsWith(suffix)) return [word.slice(0, -suffix.length), full];
  }
  return [word];
}

/** Whether the word at `index` opens the text, a line or a sentence (looking back over quotes, brackets, bullets and spaces). */
function sentenceStart(text: string, index: number): boolean {
  let at = index - 1;
  while (at >= 0 && LEAD_IN.test(text[at]!)) {
    if (text[at] === '\n') return true;
    at--;
  }
  return at < 0 || /[.!?:;…]/u.test(text[at]!);
}

const equal = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((word, i) => word === y[i]);

/** Whether `x` is `y` with a phrase opening with a fronting word moved from `y`'s end to `x`'s start. */
function fronted(x: readonly string[], y: readonly string[]): boolean {
  if (!FRONTING_WORDS.has(x[0]!) || x.some((word) => CLAUSE_WORDS.has(word))) return false;
  const n = x.length;
  // x = P + R and y = R + P, P being the first k words of x.
  const rotatedBy = (k: number) => x.every((word, i) => word === y[i < k ? n - k + i : i - k]);
  for (let k = 1; k < n && k <= MAX_FRONTED_WORDS; k++) if (rotatedBy(k)) return true;
  return false;
}
