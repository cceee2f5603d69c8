// The inputs of the embedding benchmark, read at run time from the shared folder next to the
// repository (never copied into it): the Model2Vec model and the LoCoMo dev conversations.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../store/corpus.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Inputs {
  modelPath: string;
  corpusPath: string;
}

/** The model folder and the corpus file, or a clear message and exit code 2 when either is missing. */
export function locateInputs(): Inputs {
  const modelPath = resolve(process.env.MEMOS_MODEL2VEC_PATH ?? join(REPO, '..', 'shared', 'models', 'potion-base-4M-int8'));
  const corpusPath = resolve(join(REPO, '..', 'shared', 'eval', 'locomo-dev.json'));
  const problems: string[] = [];
  for (const file of ['model.safetensors', 'tokenizer.json']) {
    if (!existsSync(join(modelPath, file))) problems.push(`the Model2Vec model folder ${modelPath} has no ${file} (set MEMOS_MODEL2VEC_PATH)`);
  }
  if (!existsSync(corpusPath)) problems.push(`the LoCoMo corpus ${corpusPath} is missing`);
  if (problems.length > 0) {
    console.error(`bench:embeddings cannot run:\n  - ${problems.join('\n  - ')}`);
    process.exit(2);
  }
  return { modelPath, corpusPath };
}

interface Turn {
  speaker?: unknown;
  text?: unknown;
}

export interface Corpus {
  /** Every distinct turn text, in a seeded shuffled order. */
  texts: string[];
  conversations: number;
  turns: number;
  meanChars: number;
}

/** The distinct `text` of every turn of every `conversation.session_N`, shuffled with `seed`. */
export function loadTurns(path: string, seed: number): Corpus {
  const items = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(items)) throw new Error(`${path}: expected a JSON array of LoCoMo items`);
  const distinct = new Set<string>();
  let turns = 0;
  for (const item of items as { conversation?: Record<string, unknown> }[]) {
    for (const [key, session] of Object.entries(item.conversation ?? {})) {
      if (!/^session_\d+$/.test(key) || !Array.isArray(session)) continue;
      for (const turn of session as Turn[]) {
        if (typeof turn.text !== 'string' || turn.text.trim() === '') continue;
        turns += 1;
        distinct.add(turn.text);
      }
    }
  }
  const texts = shuffle([...distinct], seed);
  if (texts.length === 0) throw new Error(`${path}: no turns found`);
  const meanChars = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  return { texts, conversations: items.length, turns, meanChars };
}

/** Fisher–Yates with the house PRNG: same seed, same order. */
export function shuffle<T>(items: T[], seed: number): T[] {
  const rng = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** `texts` cycled until there are at least `min` of them (whole copies only). */
export function repeatTo(texts: readonly string[], min: number): string[] {
  const copies = Math.max(1, Math.ceil(min / texts.length));
  return Array.from({ length: copies }, () => texts).flat();
}

/** Consecutive groups of `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
