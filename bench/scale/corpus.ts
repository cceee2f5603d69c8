// The scale benchmark's corpus and queries, made at run time from the LoCoMo dev split (read from
// ../shared/eval, never copied into the project): memories from its turns, queries from its questions.

import { contentWords } from '../../src/core/same-statement.js';
import { shuffle } from '../embeddings/corpus.js';
import { loadConversations } from '../locomo/dataset.js';

export interface ScaleCorpus {
  /** `count` texts, distinct as statements (memOS merges none of them into another). */
  texts: string[];
  /** Distinct turns the texts are made of. */
  turns: number;
  /** How many texts are single turns; the rest join two turns. */
  singles: number;
  /** Every distinct scored question, in a seeded order. */
  questions: string[];
}

/** Two texts memOS could take for one statement have the same key (see sameStatement). */
const statementKey = (text: string) => contentWords(text).join(' ');

/**
 * `count` distinct memory texts. The dev split holds fewer turns (about 2,700 distinct) than a
 * scale run needs, so the texts are made deterministically: first every distinct turn alone
 * (`"<speaker>: <text>"`, in a seeded order), then round r = 1, 2, … joins turn a with turn
 * a + r (modulo the number of turns), "<turn a> <turn a+r>". Each ordered pair occurs once, so the
 * rounds give turns × (turns − 1) texts; one that states the same as an earlier text (same content
 * words, see sameStatement) is skipped, so that every write creates a memory.
 */
export function scaleCorpus(count: number, seed = 42): ScaleCorpus {
  const conversations = loadConversations();
  const keyOf = new Map<string, string>();
  const turnKeys = new Set<string>();
  for (const conversation of conversations) {
    for (const turn of conversation.turns) {
      const key = statementKey(turn.content);
      if (key === '' || turnKeys.has(key)) continue;
      turnKeys.add(key);
      keyOf.set(turn.content, key);
    }
  }
  const turns = shuffle([...keyOf.keys()], seed);
  if (count > turns.length * turns.length) throw new Error(`at most ${turns.length * turns.length} distinct texts can be made from ${turns.length} turns`);

  const seen = new Set<string>();
  const texts: string[] = [];
  // A joined text's content words are its turns' in turn (the key of each turn is worked out once).
  const add = (text: string, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    texts.push(text);
  };
  for (const turn of turns) {
    if (texts.length >= count) break;
    add(turn, keyOf.get(turn) as string);
  }
  const singles = texts.length;
  for (let round = 1; texts.length < count && round < turns.length; round++) {
    for (let a = 0; a < turns.length && texts.length < count; a++) {
      const [first, second] = [turns[a] as string, turns[(a + round) % turns.length] as string];
      add(`${first} ${second}`, `${keyOf.get(first)} ${keyOf.get(second)}`);
    }
  }

  const questions = shuffle([...new Set(conversations.flatMap((conversation) => conversation.questions.map((question) => question.question.trim())))], seed);
  return { texts, turns: turns.length, singles, questions };
}

export interface QueryPlan {
  /** Untimed queries before each series. */
  warmup: string[];
  /** The timed queries of a series (each asked once per series, so every answer is a cache miss). */
  series: string[];
  /** Asked once each after a restart: never asked before, so neither cache holds their answer. */
  afterRestart: { vector: string; hybrid: string };
}

export function planQueries(questions: readonly string[], timed: number, warmup: number): QueryPlan {
  if (questions.length < warmup + timed + 2) throw new Error(`${warmup + timed + 2} questions needed, the dev split has ${questions.length}`);
  return {
    warmup: questions.slice(0, warmup),
    series: questions.slice(warmup, warmup + timed),
    afterRestart: { vector: questions.at(-1) as string, hybrid: questions.at(-2) as string },
  };
}
