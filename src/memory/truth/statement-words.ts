// The words of a short statement about a person, in the form the contradiction detector compares:
// lower case, crudely stemmed ("plays", "playing" → "play"), contractions expanded ("doesn't" →
// "does not"), number words as digits, with a flag for names (a capital inside the sentence).
// Crude on purpose: both sides of a comparison go through the same rules, so a stem only has to be
// consistent, not a dictionary word.

/** One word of a statement. */
export interface Word {
  /** As written, without surrounding punctuation. */
  raw: string;
  /** The compared form: lower case, stemmed; numbers as digits without thousands separators. */
  stem: string;
  /** A capitalised word inside the sentence: part of a name ("Lagos", "Cape Town"). */
  name: boolean;
  /** A number ("34", "two", "1,200", "4th", "6:30"). */
  number: boolean;
  /** Followed by a comma, a semicolon or a sentence's end: a clause ends here. */
  clauseEnd: boolean;
}

// A word: letters, marks and digits joined by an inner apostrophe or, between digits, by . , : / -
// (the same shape as core/same-statement.ts, so "10:15" and "1,234" stay one word).
const WORD = /[\p{L}\p{M}\p{N}]+(?:(?:'|(?<=\p{N})[.,:/-](?=\p{N}))[\p{L}\p{M}\p{N}]+)*|[,;.!?…]/gu;

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', twice: '2', once: '1', thrice: '3', first: '1', second: '2', third: '3', fourth: '4', fifth: '5',
};

// Forms whose stem a suffix rule would get wrong, or that mean the same to the detector.
const IRREGULAR: Record<string, string> = {
  is: 'be', are: 'be', was: 'be', were: 'be', am: 'be', been: 'be', being: 'be', "'re": 'be', "'m": 'be',
  has: 'have', had: 'have', having: 'have', does: 'do', did: 'do', doing: 'do', done: 'do',
  favorite: 'favourite', favourites: 'favourite', colour: 'color', colours: 'color', kids: 'child', kid: 'child', children: 'child',
  went: 'go', goes: 'go', gone: 'go', left: 'leave', sold: 'sell', quit: 'quit', gave: 'give', given: 'give',
  got: 'get', gotten: 'get', ran: 'run', running: 'run', runs: 'run', swam: 'swim', swimming: 'swim',
  people: 'person', men: 'man', women: 'woman',
};

const CONTRACTIONS: Record<string, string[]> = { "can't": ['can', 'not'], cannot: ['can', 'not'], "won't": ['will', 'not'], "shan't": ['shall', 'not'] };

/** A crude, consistent stem: "plays"/"playing"/"played" → "play", "smokes"/"smoking" → "smok". */
export function stem(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular) return irregular;
  if (lower.length <= 3) return lower;
  let base = lower;
  if (base.endsWith('ies') && base.length > 4) base = `${base.slice(0, -3)}y`;
  else if (base.endsWith('ing') && base.length > 5) base = base.slice(0, -3);
  else if (base.endsWith('ed') && base.length > 4) base = base.slice(0, -2);
  else if (base.endsWith('es') && base.length > 4) base = base.slice(0, -2);
  else if (base.endsWith('s') && !base.endsWith('ss') && !base.endsWith('us')) base = base.slice(0, -1);
  // "smoke"/"smok", "live"/"liv": a final e is dropped on both sides; a doubled final consonant too ("stopped" → "stopp" → "stop").
  if (base.endsWith('e') && base.length > 3) base = base.slice(0, -1);
  if (base.length > 3 && /([b-df-hj-np-tv-z])\1$/u.test(base) && !base.endsWith('ll') && !base.endsWith('ss')) base = base.slice(0, -1);
  return base;
}

function numberForm(lower: string): string | undefined {
  const word = NUMBER_WORDS[lower];
  if (word) return word;
  if (/^\d[\d,]*(?:\.\d+)?$/u.test(lower)) return lower.replace(/,/gu, '');
  if (/^\d+(?:st|nd|rd|th|am|pm|h|k|kg|km|m|mg|cm)$/u.test(lower)) return lower.replace(/\D+$/u, '');
  if (/^\d+[:/.-]\d+(?:[:/.-]\d+)*$/u.test(lower)) return lower;
  return undefined;
}

/** Whether the word at `index` of `text` opens a sentence (looking back over spaces, quotes and brackets). */
function sentenceStart(text: string, index: number): boolean {
  let at = index - 1;
  while (at >= 0 && /[\s"'“‘«([{*•·–—-]/u.test(text[at]!)) at--;
  return at < 0 || /[.!?:;…]/u.test(text[at]!);
}

/** The words of `text`; a comma, semicolon or sentence end becomes a clause break on the word before it. */
export function statementWords(text: string): Word[] {
  const source = text.normalize('NFKC').replace(/[’‘ʼ]/gu, "'");
  const words: Word[] = [];
  for (const match of source.matchAll(WORD)) {
    const raw = match[0];
    if (/^[,;.!?…]$/u.test(raw)) {
      const last = words[words.length - 1];
      if (last) last.clauseEnd = true;
      continue;
    }
    const name = /^\p{Lu}/u.test(raw) && !sentenceStart(source, match.index);
    for (const part of split(raw)) {
      const lower = part.toLowerCase();
      const number = numberForm(lower);
      words.push({ raw: part, stem: number ?? stem(lower), name: name && part !== "'s", number: number !== undefined, clauseEnd: false });
    }
  }
  return words;
}

/** "Mei's" → Mei, 's; "doesn't" → does, not; "can't" → can, not; "I'm" → I, 'm. */
function split(raw: string): string[] {
  const lower = raw.toLowerCase();
  const whole = CONTRACTIONS[lower];
  if (whole) return whole;
  if (lower.endsWith("n't") && lower.length > 3) return [raw.slice(0, -3), 'not'];
  for (const suffix of ["'s", "'re", "'m", "'ve", "'ll", "'d"]) {
    if (lower.length > suffix.length && lower.endsWith(suffix)) return [raw.slice(0, -suffix.length), suffix];
  }
  return [raw];
}
