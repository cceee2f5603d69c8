// Near-duplicate merges, measured: 1,000 distinct facts (bench/merge/facts.ts, mostly groups that
// differ in one negation, number, name, date, word or word order) are written to a fresh memOS over
// HTTP with the real Model2Vec model, once one memory per request and once in batches of 100, all in
// one scope. Every answer other than `created` is a wrong merge, since no fact says what another
// says. Then 200 restatements of some of them (a filler, an article, a contraction, a fronted time
// phrase, case and punctuation) are written one by one after the facts: each should merge into
// its original. The rule alone (sameStatement, no vectors) is also run on every pair of facts and
// on every restatement. Run with `npm run bench:merge`.
//
// MERGE_THRESHOLDS=0.95,0.85 (the default) lists the cosine thresholds (MEMOS_DUPLICATE_THRESHOLD) to run.
// MERGE_BACKEND=server runs memOS in server mode instead (PostgreSQL in a fresh schema, dropped at
// the end; Redis under a fresh key prefix, removed), whose near-duplicate checks take its own path.

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sameStatement } from '../../src/core/same-statement.js';
import { machineInfo } from '../machine.js';
import { MODEL_PATH, post, startModel2VecMemos } from '../model2vec-server.js';
import { dropSchema, POSTGRES_URL, REDIS_URL, removeRedisKeys } from '../services.js';

/** With MERGE_BACKEND=server: the environment of a fresh schema and key prefix, and their removal. */
function serverBackend(): { env: Record<string, string>; remove: () => Promise<void> } | undefined {
  if (process.env.MERGE_BACKEND !== 'server') return undefined;
  const suffix = randomBytes(6).toString('hex');
  const [schema, keyPrefix] = [`memos_bench_${suffix}`, `memos-bench:${suffix}:`];
  return {
    env: { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: REDIS_URL, MEMOS_REDIS_KEY_PREFIX: keyPrefix, MEMOS_AUTO_BACKFILL: 'false' },
    remove: async () => {
      await dropSchema(schema);
      await removeRedisKeys(keyPrefix);
    },
  };
}
import { createPhases } from '../phases.js';
import { fmt, heading, table } from '../stats.js';
import { buildFacts, shuffled, type Fact, type Restatement } from './facts.js';

interface Outcome {
  id: string;
  action: 'created' | 'merged' | 'unchanged';
}

interface WrongMerge {
  text: string;
  into: string;
  family: string;
}

interface Run {
  threshold: number;
  writes: string;
  wrongMerges: number;
  examples: WrongMerge[];
}

interface RestatementRun {
  threshold: number;
  merged: number;
  missed: number;
  wrongTarget: number;
  missedExamples: Restatement[];
}

const { phases, warnings, phase } = createPhases();

async function write(baseUrl: string, namespace: string, texts: string[]): Promise<Outcome[]> {
  const { results } = await post<{ results: Outcome[] }>(`${baseUrl}/api/v1/memories`, { namespace, memories: texts.map((content) => ({ content })) });
  return results;
}

/** Writes every fact, `batch` per request, and lists each answer that was not `created`. */
async function writeDistinct(baseUrl: string, namespace: string, facts: Fact[], batch: number): Promise<WrongMerge[]> {
  const firstText = new Map<string, string>();
  const wrong: WrongMerge[] = [];
  for (let from = 0; from < facts.length; from += batch) {
    const slice = facts.slice(from, from + batch);
    const outcomes = await write(baseUrl, namespace, slice.map((fact) => fact.text));
    outcomes.forEach(({ id, action }, index) => {
      const fact = slice[index]!;
      if (action === 'created') firstText.set(id, fact.text);
      else wrong.push({ text: fact.text, into: firstText.get(id) ?? id, family: fact.family });
    });
  }
  return wrong;
}

/** Writes the facts, then each restatement on its own: it should merge into its original's memory. */
async function writeRestatements(baseUrl: string, facts: Fact[], restatements: Restatement[], threshold: number): Promise<RestatementRun> {
  const namespace = 'restatements';
  const idOf = new Map<string, string>();
  for (let from = 0; from < facts.length; from += 100) {
    const slice = facts.slice(from, from + 100);
    const outcomes = await write(baseUrl, namespace, slice.map((fact) => fact.text));
    outcomes.forEach(({ id }, index) => idOf.set(slice[index]!.text, id));
  }
  const run: RestatementRun = { threshold, merged: 0, missed: 0, wrongTarget: 0, missedExamples: [] };
  for (const item of restatements) {
    const [{ id, action }] = (await write(baseUrl, namespace, [item.restatement])) as [Outcome];
    if (action === 'created') {
      run.missed++;
      if (run.missedExamples.length < 10) run.missedExamples.push(item);
    } else if (id === idOf.get(item.original)) run.merged++;
    else run.wrongTarget++;
  }
  return run;
}

/** The rule alone, with no vectors: pairs of distinct facts it would merge, and restatements it would. */
function ruleAlone(facts: Fact[], restatements: Restatement[]) {
  const wrongPairs: [string, string][] = [];
  for (let i = 0; i < facts.length; i++) {
    for (let j = i + 1; j < facts.length; j++) if (sameStatement(facts[i]!.text, facts[j]!.text)) wrongPairs.push([facts[i]!.text, facts[j]!.text]);
  }
  const restated = restatements.filter((item) => sameStatement(item.original, item.restatement)).length;
  return { pairs: (facts.length * (facts.length - 1)) / 2, wrongPairs, restated };
}

async function main(): Promise<void> {
  const env = machineInfo();
  const thresholds = (process.env.MERGE_THRESHOLDS ?? '0.95,0.85').split(',').map(Number);
  console.log(heading(`memOS near-duplicate merges: 1,000 distinct facts (memOS ${env.memos})`));
  console.log(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load avg 1m ${env.loadAvg[0]}`);
  console.log(`embedder: Model2Vec ${MODEL_PATH}; thresholds ${thresholds.join(', ')}`);
  console.log('\nphases:');

  const { facts, restatements } = buildFacts();
  const order = shuffled(facts);
  const runs: Run[] = [];
  const restated: RestatementRun[] = [];
  const rule = await phase('the rule alone on every pair of facts', async () => ruleAlone(facts, restatements));
  for (const threshold of thresholds) {
    // A long write timeout, so that every write is compared by vector (none is left to the backfill).
    const backend = serverBackend();
    const server = await phase(`start memOS (threshold ${threshold})`, () =>
      startModel2VecMemos({ MEMOS_DUPLICATE_THRESHOLD: String(threshold), MEMOS_EMBED_WRITE_TIMEOUT_MS: '60000', ...backend?.env }, 'memos-merge-'),
    ).catch(async (error: unknown) => {
      await backend?.remove();
      throw error;
    });
    try {
      for (const [writes, batch] of [['one per request', 1], ['batches of 100', 100]] as const) {
        const wrong = await phase(`write ${fmt(facts.length)} distinct facts, ${writes}`, () => writeDistinct(server.baseUrl, `distinct-${batch}`, order, batch));
        runs.push({ threshold, writes, wrongMerges: wrong.length, examples: wrong.slice(0, 10) });
      }
      restated.push(await phase(`write ${restatements.length} restatements after the facts`, () => writeRestatements(server.baseUrl, order, restatements, threshold)));
    } finally {
      await server.close();
      await backend?.remove();
    }
  }

  console.log(heading('The rule alone (no vectors)'));
  console.log(`${fmt(rule.wrongPairs.length)} of ${fmt(rule.pairs)} pairs of distinct facts judged the same statement; ${rule.restated} of ${restatements.length} restatements judged the same as their original`);
  for (const [a, b] of rule.wrongPairs.slice(0, 10)) console.log(`  "${a}" / "${b}"`);
  console.log(heading('Wrong merges among 1,000 distinct facts (lower is better; every one is a lost fact)'));
  console.log(table(['threshold', 'writes', 'wrong merges'], runs.map((run) => [fmt(run.threshold, 2), run.writes, run.wrongMerges])));
  console.log(heading(`Restatements merged into their original (of ${restatements.length})`));
  console.log(table(['threshold', 'merged', 'stored apart', 'merged elsewhere'], restated.map((run) => [fmt(run.threshold, 2), run.merged, run.missed, run.wrongTarget])));
  for (const run of runs.filter((run) => run.examples.length > 0)) {
    console.log(`\nwrong merges at ${run.threshold}, ${run.writes} (first ${run.examples.length}):`);
    for (const example of run.examples) console.log(`  [${example.family}] "${example.text}" merged into "${example.into}"`);
  }

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `merge-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ env, phases, warnings: [...warnings], rule, runs, restatements: restated }, null, 2)}\n`);
  console.log(`\nresults: ${relative(process.cwd(), file)}`);
  if (warnings.size > 0) console.log(`warnings:\n  ${[...warnings].join('\n  ')}`);
}

await main();
