import { sameStatement } from '../../core/same-statement.js';
import { statementWords, stem, type Word } from './statement-words.js';

// A cheap first look at whether a new memory may contradict a current one of the same person, for
// pairs already found close by vectors or keywords. Rules over words, no model: a negation flip,
// an opposite state (likes / hates, vegetarian / eats meat), a different place or employer after
// the same cue, different numbers in the same frame, or a different value in a one-valued slot
// ("favourite colour is blue" / "... is green"). It flags candidates for a person or a judge to
// resolve; it never decides on its own. When unsure it says nothing: a missed flag leaves two
// memories side by side, as today, while a wrong one asks someone to resolve a non-conflict.

export type ConflictReason = 'negation' | 'opposite-state' | 'different-place' | 'different-object' | 'different-number';

/** The words on each side that differ, as written (a few words at most). */
export interface ConflictEvidence {
  existing: string;
  incoming: string;
}

export interface ConflictVerdict {
  possibleConflict: boolean;
  reason?: ConflictReason;
  evidence?: ConflictEvidence;
}

const NONE: ConflictVerdict = Object.freeze({ possibleConflict: false });

// Words dropped before any comparison: articles, fillers and time markers that do not change what
// is stated ("now", "still", "anymore" only stress it).
const SOFT = new Set(['the', 'a', 'an', 'really', 'actually', 'also', 'too', 'still', 'now', 'currently', 'again', 'anymore', 'either', 'just', 'indeed', 'definitely', 'well']);

// Words that carry no content of their own: a match on them says nothing about a shared topic.
const WEAK = new Set(['be', 'have', 'do', 'get', 'go', 'any', 'some', 'to', 'of', 'for', 'in', 'on', 'at', 'with', 'by', 'from', 'and', 'or', 'but', 'my', 'his', 'her', 'their', 'its', 'our', 'your', 'longer', 'more', 'up', 'not', 'no', 'never', "'s", 'can', 'will', 'would', 'as', 'that', 'this', 'since', 'than', 'very', 'much', 'many', 'every', 'each', 'about', 'around']);

// Words that mark a wish or a plan rather than a fact ("wants to visit Japan"): never the positive side of a flip.
const IRREALIS = new Set(['wants', 'wishes', 'plans', 'hopes', 'would', 'will', 'might', 'may', 'next', 'someday', 'maybe', 'considering', 'thinking', 'could', 'should', 'if'].map(stem));

// Negation words (their scope is the words after them) and verbs that end a state (stopped, quit,
// gave up, left, sold, cancelled). Scope ends at a clause break.
const NEGATORS = new Set(['not', 'never', 'no', 'none', 'nobody', 'nothing', 'nowhere']);
const ENDING_VERBS = new Set(['stopped', 'quit', 'quits', 'left', 'sold', 'cancelled', 'canceled', 'dropped', 'ended', 'abandoned'].map(stem));
// "gave up", "gives up": an ending verb only with its particle.
const ENDING_WITH_UP = new Set(['gave', 'gives', 'give', 'giving'].map(stem));
const CLAUSE_BREAKS = new Set(['and', 'but', 'because', 'so', 'while', 'although', 'though', 'since', 'after', 'before', 'when']);
const SCOPE_WORDS = 6;

// Words that add a value beside the one already known ("likes coffee too", "also speaks Portuguese"):
// a different value then is an addition, not a replacement.
const ADDITIVE = new Set(['too', 'also', 'either', 'another', 'besides', 'additionally']);

/**
 * Whether `incoming` (a new memory's text) may contradict `existing` (a current memory of the same
 * identity, already found close to it), and why. The rules are tried in order: negation flip,
 * opposite state, different home/origin/employer, different number, different value in a one-valued
 * slot; the first that fires gives the reason, with the differing words as evidence. Statements
 * about different subjects ("Keiko" / "Keiko's son") and restatements (core/same-statement.ts) never
 * conflict. Deterministic and pure; a pair takes tens of microseconds (npm run bench:truth).
 */
export function detectContradiction(existing: string, incoming: string): ConflictVerdict {
  return judgePair(existing, incoming, prepare);
}

/**
 * `detectContradiction` for many pairs, each text read once: a write checks each new memory against
 * a few stored ones, and a batch's memories meet the same stored ones again. The texts are held only
 * as long as the returned function is (one write), never beyond it.
 */
export function contradictionChecker(): (existing: string, incoming: string) => ConflictVerdict {
  const read = new Map<string, Statement>();
  const prepared = (text: string) => {
    let statement = read.get(text);
    if (statement === undefined) read.set(text, (statement = prepare(text)));
    return statement;
  };
  return (existing, incoming) => judgePair(existing, incoming, prepared);
}

function judgePair(existing: string, incoming: string, read: (text: string) => Statement): ConflictVerdict {
  if (sameStatement(existing, incoming)) return NONE;
  const a = read(existing);
  const b = read(incoming);
  if (a.words.length === 0 || b.words.length === 0 || !sameSubject(a, b)) return NONE;
  return negationFlip(a, b) ?? oppositeState(a, b) ?? differentSlot(a, b) ?? differentNumber(a, b) ?? differentObject(a, b) ?? NONE;
}

interface Statement {
  words: Word[];
  stems: Set<string>;
  /** The index of the first word after the subject: its owner ("Mei", "user") and, after a possessive, the thing owned. */
  subject: number;
  owner: string[];
  owned?: string;
  /** The name given to the thing owned ("Tunde's sister Aisha": Aisha), when one follows it. */
  alias?: string[];
  /** Indices of words inside a negation's scope. */
  negated: Set<number>;
  /** Each stem stated outside any negation after the subject, with the index of its first such word. */
  plain: Map<string, number>;
  irrealis: boolean;
  additive: boolean;
}

function prepare(text: string): Statement {
  const all = statementWords(text);
  const additive = all.some((word, i) => ADDITIVE.has(word.stem) || (word.stem === 'as' && all[i + 1]?.stem === 'well'));
  const words = joinIdioms(all.filter((word) => !SOFT.has(word.stem) || word.name));
  const stems = new Set(words.map((word) => word.stem));
  // The owner: the first word and the names that follow it ("Bich Ngoc", "user").
  let at = 1;
  while (at < words.length && words[at]!.name) at++;
  const owner = words.slice(0, at).map((word) => word.stem);
  let owned: string | undefined;
  let alias: string[] | undefined;
  if (words[at]?.stem === "'s") {
    at++;
    while (at < words.length && words[at]!.number) at++;
    owned = words[at]?.stem;
    at++;
    // A name right after the thing owned is who it is: "Tunde's sister Aisha" is about Aisha too.
    const named = at;
    while (at < words.length && words[at]!.name) at++;
    if (at > named) alias = words.slice(named, at).map((word) => word.stem);
  }
  const subject = Math.min(at, words.length);
  const negated = negatedWords(words);
  const plain = new Map<string, number>();
  for (let i = words.length - 1; i >= subject; i--) if (!negated.has(i)) plain.set(words[i]!.stem, i);
  return { words, stems, subject, owner, owned, ...(alias === undefined ? {} : { alias }), negated, plain, irrealis: words.some((word) => IRREALIS.has(word.stem)), additive };
}

// "can't stand" is a dislike, not a negated verb.
function joinIdioms(words: Word[]): Word[] {
  for (let i = 0; i + 2 < words.length; i++) {
    if (words[i]!.stem === 'can' && words[i + 1]!.stem === 'not' && words[i + 2]!.stem === 'stand') {
      words.splice(i, 3, { ...words[i + 2]!, raw: "can't stand", stem: stem('hates') });
    }
  }
  return words;
}

function negatedWords(words: readonly Word[]): Set<number> {
  const negated = new Set<number>();
  for (const [i, word] of words.entries()) {
    const negator = NEGATORS.has(word.stem);
    const ending = !negator && (ENDING_VERBS.has(word.stem) || (ENDING_WITH_UP.has(word.stem) && words[i + 1]?.stem === 'up'));
    if (!negator && !ending) continue;
    let j = i + 1;
    for (; !word.clauseEnd && j < words.length && j <= i + SCOPE_WORDS; j++) {
      if (CLAUSE_BREAKS.has(words[j]!.stem)) break;
      negated.add(j);
      if (words[j]!.clauseEnd) break;
    }
    // "The meeting was cancelled": an ending verb with nothing after it ends its whole clause.
    if (ending && j === i + 1) for (let k = i - 1; k >= 0 && !words[k]!.clauseEnd; k--) negated.add(k);
  }
  return negated;
}

/** Same owner, and the same thing owned when either names one ("Keiko" is not "Keiko's son"). */
function sameSubject(a: Statement, b: Statement): boolean {
  if (a.owner.join(' ') === b.owner.join(' ') && a.owned === b.owned) return true;
  // "Tunde's sister Aisha" and "Aisha": the second names the first's subject by its name.
  const namedAs = (x: Statement, y: Statement) => x.alias !== undefined && y.owned === undefined && x.alias.join(' ') === y.owner.join(' ');
  return namedAs(a, b) || namedAs(b, a);
}

const content = (word: Word) => !WEAK.has(word.stem) && !NEGATORS.has(word.stem);

/** One side negates words that the other states plainly (and not as a wish). */
function negationFlip(a: Statement, b: Statement): ConflictVerdict | undefined {
  // The index in `pos` of a word that `neg` negates and `pos` states outside any negation, or -1.
  const flip = (neg: Statement, pos: Statement): number => {
    if (pos.irrealis) return -1;
    for (const i of neg.negated) {
      const word = neg.words[i]!;
      if (i < neg.subject || !content(word)) continue;
      const plain = pos.plain.get(word.stem);
      if (plain !== undefined) return plain;
    }
    return -1;
  };
  const said = (s: Statement, at: number) => s.words.slice(at, at + 3).map((word) => word.raw).join(' ');
  const inB = flip(a, b);
  if (inB >= 0) return { possibleConflict: true, reason: 'negation', evidence: { existing: negationPhrase(a), incoming: said(b, inB) } };
  const inA = flip(b, a);
  if (inA >= 0) return { possibleConflict: true, reason: 'negation', evidence: { existing: said(a, inA), incoming: negationPhrase(b) } };
  return undefined;
}

function negationPhrase(statement: Statement): string {
  const indices = [...statement.negated].filter((i) => i >= statement.subject).sort((x, y) => x - y);
  const first = indices[0] ?? 0;
  return statement.words.slice(Math.max(0, first - 1), first + 4).map((word) => word.raw).join(' ');
}

// States that exclude each other. Each side lists phrases (stemmed below); a pair conflicts when
// one statement holds a phrase of one side and the other a phrase of the other, and neither holds both.
const OPPOSITE_STATES: [string[], string[]][] = [
  [['vegetarian', 'vegan'], ['eats meat', 'eating meat', 'eat meat', 'eating fish', 'eats fish', 'eats chicken', 'eating chicken']],
  [['married'], ['divorced', 'single', 'widowed']],
  [['single'], ['engaged', 'married', 'girlfriend', 'boyfriend']],
  [['morning person', 'early bird'], ['night owl']],
  [['beginner', 'novice'], ['expert', 'advanced']],
  [['retired'], ['full time', 'works as']],
  [['part time'], ['full time']],
  [['only child'], ['brother', 'sister', 'siblings']],
];
const STEMMED_STATES = OPPOSITE_STATES.map(([x, y]) => [x.map(phrase), y.map(phrase)] as const);
const LIKING = new Set(['likes', 'loves', 'enjoys', 'adores', 'fan'].map(stem));
const DISLIKING = new Set(['dislikes', 'hates', 'detests', 'scared', 'afraid', 'loathes'].map(stem));

function phrase(text: string): string[] {
  return text.split(' ').map(stem);
}

function holds(statement: Statement, stems: readonly string[]): number {
  const { words } = statement;
  for (let i = 0; i + stems.length <= words.length; i++) {
    if (stems.every((s, k) => words[i + k]!.stem === s) && !statement.negated.has(i)) return i;
  }
  return -1;
}

function oppositeState(a: Statement, b: Statement): ConflictVerdict | undefined {
  for (const [x, y] of STEMMED_STATES) {
    const hit = (s: Statement, side: readonly (readonly string[])[]) => side.find((p) => holds(s, p) >= 0);
    const [ax, ay, bx, by] = [hit(a, x), hit(a, y), hit(b, x), hit(b, y)];
    if (ax && by && !ay && !bx) return opposite(a, b, ax, by);
    if (ay && bx && !ax && !by) return opposite(a, b, ay, bx);
  }
  // Liking against disliking the same thing.
  const feeling = (s: Statement, set: Set<string>) => s.words.findIndex((word, i) => set.has(word.stem) && !s.negated.has(i));
  for (const [pos, neg] of [[a, b], [b, a]] as const) {
    const [likes, dislikes] = [feeling(pos, LIKING), feeling(neg, DISLIKING)];
    if (likes < 0 || dislikes < 0 || feeling(pos, DISLIKING) >= 0 || feeling(neg, LIKING) >= 0) continue;
    const objects = new Set(neg.words.slice(dislikes + 1).filter(content).map((word) => word.stem));
    if (pos.words.slice(likes + 1).some((word) => content(word) && objects.has(word.stem))) {
      const said = (s: Statement, at: number) => s.words.slice(at, at + 3).map((word) => word.raw).join(' ');
      return { possibleConflict: true, reason: 'opposite-state', evidence: pos === a ? { existing: said(a, likes), incoming: said(b, dislikes) } : { existing: said(a, dislikes), incoming: said(b, likes) } };
    }
  }
  return undefined;
}

function opposite(a: Statement, b: Statement, inA: readonly string[], inB: readonly string[]): ConflictVerdict {
  const said = (s: Statement, p: readonly string[]) => s.words.slice(holds(s, p), holds(s, p) + p.length).map((word) => word.raw).join(' ');
  return { possibleConflict: true, reason: 'opposite-state', evidence: { existing: said(a, inA), incoming: said(b, inB) } };
}

// One-valued slots filled by a name: where one lives, where one is from, where one works.
const SLOT_CUES: { kind: 'home' | 'origin' | 'employer'; cues: string[] }[] = [
  { kind: 'home', cues: ['lives in', 'living in', 'based in', 'moved to', 'moved back to', 'relocated to', 'resides in', 'settled in', 'moved into'] },
  { kind: 'origin', cues: ['is from', 'comes from', 'born in', 'grew up in', 'raised in'] },
  { kind: 'employer', cues: ['works at', 'works for', 'working at', 'working for', 'joined', 'employed by', 'employed at', 'job at', 'hired by'] },
];
const STEMMED_SLOTS = SLOT_CUES.map(({ kind, cues }) => ({ kind, cues: cues.map(phrase) }));

/** The name after a slot's cue ("lives in Ho Chi Minh City" → Ho Chi Minh City), by kind. */
function slots(statement: Statement): Map<string, Word[]> {
  const found = new Map<string, Word[]>();
  for (const { kind, cues } of STEMMED_SLOTS) {
    for (const cue of cues) {
      const at = holds(statement, cue);
      if (at < 0 || found.has(kind)) continue;
      const name: Word[] = [];
      for (let i = at + cue.length; i < statement.words.length; i++) {
        const word = statement.words[i]!;
        if (word.name || (word.stem === 'of' && name.length > 0 && statement.words[i + 1]?.name)) name.push(word);
        else break;
        if (word.clauseEnd) break;
      }
      if (name.length > 0) found.set(kind, name);
    }
  }
  return found;
}

function differentSlot(a: Statement, b: Statement): ConflictVerdict | undefined {
  if (a.irrealis || b.irrealis || a.additive || b.additive) return undefined;
  const [inA, inB] = [slots(a), slots(b)];
  for (const [kind, nameA] of inA) {
    const nameB = inB.get(kind);
    if (!nameB) continue;
    // The same place named more fully ("Lagos" / "Lagos, Ikeja") is not another place.
    const namesA = new Set(a.words.filter((word) => word.name).map((word) => word.stem));
    const namesB = new Set(b.words.filter((word) => word.name).map((word) => word.stem));
    if (nameA.some((word) => namesB.has(word.stem)) || nameB.some((word) => namesA.has(word.stem))) continue;
    const said = (name: Word[]) => name.map((word) => word.raw).join(' ');
    return { possibleConflict: true, reason: kind === 'employer' ? 'different-object' : 'different-place', evidence: { existing: said(nameA), incoming: said(nameB) } };
  }
  return undefined;
}

/** The nearest content word before and after word `i`, skipping weak words and numbers; '' at the end. */
function frame(statement: Statement, i: number): [string, string] {
  const { words } = statement;
  let before = '';
  for (let j = i - 1; j >= 0; j--) {
    if (content(words[j]!) && !words[j]!.number) {
      before = words[j]!.stem;
      break;
    }
  }
  let after = '';
  for (let j = i + 1; j < words.length; j++) {
    if (content(words[j]!) && !words[j]!.number) {
      after = words[j]!.stem;
      break;
    }
  }
  return [before, after];
}

function differentNumber(a: Statement, b: Statement): ConflictVerdict | undefined {
  const only = (s: Statement, other: Statement) => s.words.map((word, i) => [word, i] as const).filter(([word]) => word.number && !other.stems.has(word.stem));
  const [onlyA, onlyB] = [only(a, b), only(b, a)];
  for (const [wa, ia] of onlyA) {
    const [beforeA, afterA] = frame(a, ia);
    for (const [wb, ib] of onlyB) {
      const [beforeB, afterB] = frame(b, ib);
      if ((beforeA !== '' && beforeA === beforeB) || afterA === afterB) {
        return { possibleConflict: true, reason: 'different-number', evidence: { existing: wa.raw, incoming: wb.raw } };
      }
    }
  }
  return undefined;
}

// Where a differing value sits in a one-valued slot: right after a copula, a naming verb or a
// preference, or after these prepositions of place and employer. Verbs of liking, speaking,
// playing, owning... take many values at once and are not cues.
const VALUE_CUES = new Set(['be', 'called', 'named', 'drives', 'supports', 'prefers', 'commutes'].map(stem));
const PLACE_PREPOSITIONS = new Set(['at', 'in', 'from', 'on', 'by', 'to']);
const NAME_PREPOSITIONS = new Set(['at', 'in', 'from', 'on']);
const PREPOSITION_HOSTS = new Set(['be', 'lives', 'based', 'works', 'commutes', 'moved', 'married', 'engaged', 'office', 'leaves', 'studies', 'student'].map(stem));

function differentObject(a: Statement, b: Statement): ConflictVerdict | undefined {
  if (a.additive || b.additive) return undefined;
  const [x, y] = [a.words, b.words];
  let prefix = 0;
  while (prefix < x.length && prefix < y.length && x[prefix]!.stem === y[prefix]!.stem) prefix++;
  let suffix = 0;
  while (suffix < x.length - prefix && suffix < y.length - prefix && x[x.length - 1 - suffix]!.stem === y[y.length - 1 - suffix]!.stem) suffix++;
  const diffA = x.slice(prefix, x.length - suffix).filter(content);
  const diffB = y.slice(prefix, y.length - suffix).filter(content);
  // Both sides replace something, after a common part that holds at least the subject.
  if (diffA.length === 0 || diffB.length === 0 || prefix < Math.max(a.subject, b.subject)) return undefined;
  // One side only adds detail ("a teacher" / "a maths teacher at a secondary school").
  if (diffA.every((word) => b.stems.has(word.stem)) || diffB.every((word) => a.stems.has(word.stem))) return undefined;
  // Differing parts that share a word qualify each other ("prefers email" / "prefers short emails"), unless they name different things.
  const stemsB = new Set(diffB.map((word) => word.stem));
  const shared = diffA.some((word) => stemsB.has(word.stem));
  const namesDiffer = diffA.some((word) => word.name && !b.stems.has(word.stem)) && diffB.some((word) => word.name && !a.stems.has(word.stem));
  if (shared && !namesDiffer) return undefined;
  // The value must follow a slot cue: skip names that end the common part ("in Building C" / "in Building F").
  let end = prefix - 1;
  while (end > 0 && x[end]!.name) end--;
  const last = x[end]!.stem;
  const before = end > 0 ? x[end - 1]!.stem : '';
  // Different names after the same preposition in a copular statement ("is a nurse at St Thomas'" / "... at King's
  // College") are different places or employers; after another verb ("owns a house in Hamburg" / "... in Munich") they may both hold.
  const copular = x.slice(a.subject, end).some((word) => word.stem === 'be');
  const cue = VALUE_CUES.has(last) || (PLACE_PREPOSITIONS.has(last) && (PREPOSITION_HOSTS.has(before) || (namesDiffer && copular && NAME_PREPOSITIONS.has(last))));
  if (!cue || end < Math.min(a.subject, b.subject)) return undefined;
  const said = (words: Word[]) => words.slice(0, 6).map((word) => word.raw).join(' ');
  return { possibleConflict: true, reason: 'different-object', evidence: { existing: said(diffA), incoming: said(diffB) } };
}
