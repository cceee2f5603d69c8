// Retrieval benchmark on the LoCoMo development split: every turn is ingested through the HTTP API
// as an episode (one namespace per conversation), every scored question is asked through
// `POST /api/v1/search`, and recall@k / hit@k are printed for memOS's modes beside a plain BM25
// baseline over the same turns, in the same run. Run with `npm run bench:locomo`.
//
// LOCOMO_PATH points at another copy of the split; LOCOMO_ENV='{"MEMOS_SEARCH_RRF_K":"20"}' runs
// memOS with other settings (for experiments; the defaults are what users get).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { createMemos, type Memos } from '../../src/main.js';
import { machineInfo } from '../machine.js';
import { createPhases } from '../phases.js';
import { fmt, heading, summarize, table, type Summary } from '../stats.js';
import { buildBm25 } from './bm25-baseline.js';
import { CATEGORY_NAMES, datasetPath, loadConversations, type Conversation } from './dataset.js';
import { KS, scoreByCategory, type Answer, type Scores } from './score.js';

const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'models', 'potion-base-4M-int8');
const DEPTH = 20;
const MODES = ['hybrid', 'keyword', 'vector'] as const;
type Mode = (typeof MODES)[number];

interface System {
  name: string;
  answers: Answer[];
  latencyMs: number[];
}

const { phases, warnings, phase } = createPhases();

async function startMemos(extraEnv: Record<string, string>): Promise<{ memos: Memos; baseUrl: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-locomo-'));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dir, MEMOS_LOG_LEVEL: 'silent', MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, ...extraEnv },
    cwd: dir,
  });
  const memos = await createMemos(config);
  await memos.embeddings.settled;
  if (memos.embeddings.status().state !== 'ready') throw new Error(`the embedder is not ready: ${memos.embeddings.status().detail}`);
  await memos.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = memos.app.server.address() as AddressInfo;
  return {
    memos,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await memos.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Ingests one conversation's turns as episodes; returns episode id → turn id. */
async function ingest(baseUrl: string, conversation: Conversation): Promise<Map<string, string>> {
  const byEpisode = new Map<string, string>();
  const batch = 500;
  for (let from = 0; from < conversation.turns.length; from += batch) {
    const turns = conversation.turns.slice(from, from + batch);
    const { ids } = await post<{ ids: string[] }>(`${baseUrl}/api/v1/episodes`, {
      namespace: `locomo-${conversation.id}`,
      episodes: turns.map((turn) => ({ kind: 'message', content: turn.content, occurredAt: turn.occurredAt, sessionId: turn.session })),
    });
    ids.forEach((id, index) => byEpisode.set(id, turns[index]!.diaId));
  }
  return byEpisode;
}

/** Waits until every turn has its vector: writes embed within a time limit and leave the rest to the backfill. */
async function embedded(baseUrl: string): Promise<{ ready: number; embeddedLate: number }> {
  const first = (await (await fetch(`${baseUrl}/api/v1/admin/reindex`)).json()) as { progress?: { ready: number; pending: number } };
  await post(`${baseUrl}/api/v1/admin/reindex`, {});
  for (;;) {
    const { progress } = (await (await fetch(`${baseUrl}/api/v1/admin/reindex`)).json()) as { progress?: { ready: number; pending: number } };
    if (progress && progress.pending === 0) return { ready: progress.ready, embeddedLate: first.progress?.pending ?? 0 };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function askAll(baseUrl: string, conversation: Conversation, byEpisode: Map<string, string>, mode: Mode, system: System): Promise<void> {
  for (const question of conversation.questions) {
    const start = performance.now();
    const result = await post<{ mode: string; hits: { id: string }[]; notices: string[] }>(`${baseUrl}/api/v1/search`, {
      namespace: `locomo-${conversation.id}`,
      query: question.question,
      types: ['episodes'],
      limit: DEPTH,
      mode,
    });
    system.latencyMs.push(performance.now() - start);
    if (result.mode !== mode) throw new Error(`asked for ${mode} search, got ${result.mode}: ${result.notices.join('; ')}`);
    system.answers.push({ category: question.category, evidence: question.evidence, retrieved: result.hits.map((hit) => byEpisode.get(hit.id) ?? hit.id) });
  }
}

function baseline(conversations: Conversation[]): System {
  const system: System = { name: 'BM25 baseline', answers: [], latencyMs: [] };
  for (const conversation of conversations) {
    const index = buildBm25(conversation.turns.map((turn) => ({ id: turn.diaId, text: turn.content })));
    for (const question of conversation.questions) {
      const start = performance.now();
      const retrieved = index.search(question.question, DEPTH);
      system.latencyMs.push(performance.now() - start);
      system.answers.push({ category: question.category, evidence: question.evidence, retrieved });
    }
  }
  return system;
}

const pct = (value: number) => fmt(value * 100, 1);

function report(systems: { name: string; scores: Record<string, Scores>; latency: Summary }[]): void {
  console.log(heading('Overall (categories 1-4)'));
  console.log(
    table(
      ['system', ...KS.map((k) => `R@${k}`), ...KS.map((k) => `hit@${k}`), 'p50 ms', 'p95 ms'],
      systems.map(({ name, scores, latency }) => [
        name,
        ...KS.map((k) => pct(scores.all!.recall[k])),
        ...KS.map((k) => pct(scores.all!.hit[k])),
        fmt(latency.p50, 2),
        fmt(latency.p95, 2),
      ]),
    ),
  );
  const categories = Object.values(CATEGORY_NAMES);
  for (const k of [5, 10] as const) {
    console.log(heading(`Recall@${k} per category`));
    console.log(
      table(
        ['system', ...categories.map((name) => `${name} (${systems[0]!.scores[name]!.questions})`)],
        systems.map(({ name, scores }) => [name, ...categories.map((category) => pct(scores[category]!.recall[k]))]),
      ),
    );
  }
}

async function main(): Promise<void> {
  const env = machineInfo();
  const extraEnv = JSON.parse(process.env.LOCOMO_ENV ?? '{}') as Record<string, string>;
  console.log(heading(`memOS retrieval benchmark: LoCoMo development split (memOS ${env.memos})`));
  console.log(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load avg 1m ${env.loadAvg[0]}`);
  console.log(`data: ${datasetPath()}; embedder: Model2Vec ${MODEL_PATH}`);
  if (Object.keys(extraEnv).length > 0) console.log(`settings: ${JSON.stringify(extraEnv)}`);
  console.log('\nphases:');

  const conversations = await phase('load the split', async () => loadConversations());
  const questions = conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0);
  const turns = conversations.reduce((sum, conversation) => sum + conversation.turns.length, 0);

  const server = await phase('start memOS (SQLite, Model2Vec)', () => startMemos(extraEnv));
  const systems: System[] = MODES.map((mode) => ({ name: `memOS ${mode}`, answers: [], latencyMs: [] }));
  try {
    const maps = await phase(`ingest ${fmt(turns)} turns over HTTP`, async () => {
      const out = [];
      for (const conversation of conversations) out.push(await ingest(server.baseUrl, conversation));
      return out;
    });
    const vectors = await phase('wait for every vector', () => embedded(server.baseUrl));
    if (vectors.embeddedLate > 0) console.log(`  (${fmt(vectors.embeddedLate)} turns were embedded by the backfill after their write)`);
    // One unmeasured pass warms the JIT and SQLite caches, so the first mode is not penalised. Its
    // questions are reworded so that the measured pass is not answered from the response cache.
    const warmUp = { ...conversations[0]!, questions: conversations[0]!.questions.map((question) => ({ ...question, question: `${question.question} (warm-up)` })) };
    await phase('warm-up', () => askAll(server.baseUrl, warmUp, maps[0]!, 'hybrid', { name: 'warm-up', answers: [], latencyMs: [] }));
    for (const [index, mode] of MODES.entries()) {
      await phase(`ask ${fmt(questions)} questions, ${mode}`, async () => {
        for (const [at, conversation] of conversations.entries()) await askAll(server.baseUrl, conversation, maps[at]!, mode, systems[index]!);
      });
    }
  } finally {
    await server.close();
  }
  systems.push(await phase('BM25 baseline', async () => baseline(conversations)));

  const results = systems.map((system) => ({ name: system.name, scores: scoreByCategory(system.answers), latency: summarize(system.latencyMs) }));
  console.log(`\n${fmt(conversations.length)} conversations, ${fmt(turns)} turns, ${fmt(questions)} scored questions; recall and hit in %, search latency per question over HTTP (the baseline in process)`);
  report(results);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `locomo-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ env, settings: extraEnv, phases, warnings: [...warnings], results }, null, 2)}\n`);
  console.log(`\nresults: ${relative(process.cwd(), file)}`);
  if (warnings.size > 0) console.log(`warnings:\n  ${[...warnings].join('\n  ')}`);
}

await main();
