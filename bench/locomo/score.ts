// Recall@k and hit@k as the eval README defines them, overall and per LoCoMo category.

import { CATEGORY_NAMES } from './dataset.js';

export const KS = [1, 5, 10, 20] as const;
export type K = (typeof KS)[number];

export interface Answer {
  /** The question asked (kept for reading answers, not used in scoring). */
  question?: string;
  category: number;
  evidence: string[];
  /** Retrieved turn ids, best first; a hit that holds the text of several turns lists them all. */
  retrieved: ReadonlyArray<string | readonly string[]>;
  /** The hits' scores, where the system gives them (kept for reading answers, not used in scoring). */
  scores?: number[];
}

export interface Scores {
  questions: number;
  recall: Record<K, number>;
  hit: Record<K, number>;
}

/** Mean recall@k (share of evidence turns in the top k) and hit@k (any evidence turn in the top k). */
export function score(answers: readonly Answer[]): Scores {
  const recall = { 1: 0, 5: 0, 10: 0, 20: 0 } as Record<K, number>;
  const hit = { 1: 0, 5: 0, 10: 0, 20: 0 } as Record<K, number>;
  for (const answer of answers) {
    for (const k of KS) {
      const top = new Set(answer.retrieved.slice(0, k).flat());
      const found = answer.evidence.filter((id) => top.has(id)).length;
      recall[k] += found / answer.evidence.length;
      hit[k] += found > 0 ? 1 : 0;
    }
  }
  const n = Math.max(1, answers.length);
  for (const k of KS) {
    recall[k] /= n;
    hit[k] /= n;
  }
  return { questions: answers.length, recall, hit };
}

/** Scores overall (key `all`) and per category name. */
export function scoreByCategory(answers: readonly Answer[]): Record<string, Scores> {
  const out: Record<string, Scores> = { all: score(answers) };
  for (const [category, name] of Object.entries(CATEGORY_NAMES)) {
    out[name] = score(answers.filter((answer) => answer.category === Number(category)));
  }
  return out;
}
