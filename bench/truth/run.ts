// The contradiction detector (src/memory/truth/contradiction-detector.ts), measured on hand-written,
// labelled pairs of statements about users (bench/truth/contradiction-pairs.jsonl). The "test" split
// was written before the detector and never tuned on; the rules were tuned on "dev" only. Prints
// precision, recall and F1 per split and per category, the confusion counts, the test split's
// mistakes, and the time per pair. Run with `npm run bench:truth`.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectContradiction } from '../../src/memory/truth/contradiction-detector.js';
import { fmt, heading, percentile, table } from '../stats.js';

interface Pair {
  id: string;
  split: 'dev' | 'test';
  existing: string;
  incoming: string;
  conflict: boolean;
  category: string;
  note?: string;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const pairs: Pair[] = readFileSync(join(here, 'contradiction-pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Pair);

const predicted = new Map(pairs.map((pair) => [pair.id, detectContradiction(pair.existing, pair.incoming)]));

function count(subset: readonly Pair[]): Counts {
  const counts: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const pair of subset) {
    const flagged = predicted.get(pair.id)!.possibleConflict;
    if (flagged && pair.conflict) counts.tp++;
    else if (flagged) counts.fp++;
    else if (pair.conflict) counts.fn++;
    else counts.tn++;
  }
  return counts;
}

const ratio = (num: number, den: number) => (den === 0 ? Number.NaN : num / den);
function scores({ tp, fp, fn }: Counts): [number, number, number] {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return [precision, recall, ratio(2 * precision * recall, precision + recall)];
}

function row(label: string, subset: readonly Pair[]): (string | number)[] {
  const counts = count(subset);
  const [precision, recall, f1] = scores(counts);
  const accuracy = ratio(counts.tp + counts.tn, subset.length);
  return [label, subset.length, subset.filter((pair) => pair.conflict).length, counts.tp, counts.fp, counts.fn, counts.tn, fmt(precision, 3), fmt(recall, 3), fmt(f1, 3), fmt(accuracy, 3)];
}

const headers = ['set', 'pairs', 'conflicts', 'TP', 'FP', 'FN', 'TN', 'precision', 'recall', 'F1', 'accuracy'];
const splits = ['dev', 'test'] as const;
const bySplit = (split: string) => pairs.filter((pair) => pair.split === split);

console.log(heading('Contradiction candidates: labelled pairs'));
console.log(table(headers, [...splits.map((split) => row(split, bySplit(split))), row('all', pairs)]));

const categories = [...new Set(pairs.map((pair) => pair.category))].sort();
for (const split of splits) {
  console.log(heading(`By category, ${split} split (precision is '-' where nothing was flagged, recall where nothing conflicts)`));
  const rows = categories.map((category) => row(category, bySplit(split).filter((pair) => pair.category === category))).filter((r) => r[1] !== 0);
  console.log(table(headers, rows));
}

for (const split of splits) {
  console.log(heading(`Reasons given on the ${split} split (true positives / false positives)`));
  const reasons = new Map<string, [number, number]>();
  for (const pair of bySplit(split)) {
    const verdict = predicted.get(pair.id)!;
    if (!verdict.possibleConflict) continue;
    const entry = reasons.get(verdict.reason!) ?? [0, 0];
    entry[pair.conflict ? 0 : 1]++;
    reasons.set(verdict.reason!, entry);
  }
  console.log(table(['reason', 'TP', 'FP'], [...reasons].sort().map(([reason, [tp, fp]]) => [reason, tp, fp])));
}

for (const split of splits) {
  const misses = bySplit(split).filter((pair) => predicted.get(pair.id)!.possibleConflict !== pair.conflict);
  console.log(heading(`Mistakes on the ${split} split (${misses.length})`));
  console.log(
    table(
      ['id', 'kind', 'category', 'reason given'],
      misses.map((pair) => [pair.id, pair.conflict ? 'missed' : 'false flag', pair.category, predicted.get(pair.id)!.reason ?? '']),
    ),
  );
}

// Time per pair: each pair detected REPEATS times in a row, the mean of those one sample; all pairs, after a warm-up round.
const REPEATS = 200;
for (const pair of pairs) for (let i = 0; i < REPEATS; i++) detectContradiction(pair.existing, pair.incoming);
const micros: number[] = [];
for (const pair of pairs) {
  const start = performance.now();
  for (let i = 0; i < REPEATS; i++) detectContradiction(pair.existing, pair.incoming);
  micros.push(((performance.now() - start) * 1000) / REPEATS);
}
console.log(heading('Time per pair (µs, mean of 200 runs of each pair, one warm-up round)'));
console.log(table(['pairs', 'p50', 'p95', 'max'], [[pairs.length, fmt(percentile(micros, 50), 1), fmt(percentile(micros, 95), 1), fmt(percentile(micros, 100), 1)]]));
