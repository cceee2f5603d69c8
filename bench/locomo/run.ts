// Retrieval benchmark on the LoCoMo development split: every turn is ingested through the HTTP API
// as an episode (one namespace per conversation), every scored question is asked through
// `POST /api/v1/search`, and recall@k / hit@k are printed for memOS's modes beside a plain BM25
// baseline over the same turns, in the same run. Run with `npm run bench:locomo`.
//
// LOCOMO_PATH points at another copy of the split; LOCOMO_ENV='{"MEMOS_SEARCH_RRF_K":"20"}' runs
// memOS with other settings (for experiments; the defaults are what users get); LOCOMO_MODES=hybrid
// asks in fewer modes.
//
// LOCOMO_TIER=memories writes every turn as a memory instead (50 per request, one scope per
// conversation), so that near-duplicate merges apply: a turn counts as found when a hit shows its
// text (up to case, spacing and a final full stop), so a turn whose memory took another turn's
// wording in a merge is lost. The number of merges is printed.
//
// LOCOMO_ANSWERS=1 also writes every question's retrieved turns to the results file, for reading
// which questions a change wins or loses (by category, never to tune on single questions).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseContent } from '../../src/core/text.js';
import { machineInfo } from '../machine.js';
import { MODEL_PATH, post, startModel2VecMemos } from '../model2vec-server.js';
import { createPhases } from '../phases.js';
import { fmt, heading, summarize, table, type Summary } from '../stats.js';
import { buildBm25 } from './bm25-baseline.js';
import { CATEGORY_NAMES, datasetPath, loadConversations, type Conversation } from './dataset.js';
import { KS, scoreByCategory, type Answer, type Scores } from './score.js';

/** Hits asked per question: 20 scores every k; LOCOMO_DEPTH (up to 100) asks more, to see what a reranker could reach. */
const DEPTH = Number(process.env.LOCOMO_DEPTH ?? 20);
const ALL_MODES = ['hybrid', 'keyword', 'vector'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES = (process.env.LOCOMO_MODES?.split(',') ?? ALL_MODES) as Mode[];
const TIER = process.env.LOCOMO_TIER ?? 'episodes';
if (MODES.some((mode) => !ALL_MODES.includes(mode))) throw new Error(`LOCOMO_MODES takes ${ALL_MODES.join(', ')}`);
if (TIER !== 'episodes' && TIER !== 'memories') throw new Error('LOCOMO_TIER is episodes or memories');

interface System {
  name: string;
  answers: Answer[];
  latencyMs: number[];
}

const { phases, warnings, phase } = createPhases();

/** Turn ids of a hit: the record's own turn, or for a memory every turn whose text it shows. */
type TurnsOf = (hit: { id: string; item: { content: string } }) => string | string[];

/** Ingests one conversation's turns as episodes or memories; returns how to map hits back to turns. */
async function ingest(baseUrl: string, conversation: Conversation, merges: { count: number }): Promise<TurnsOf> {
  if (TIER === 'memories') return ingestMemories(baseUrl, conversation, merges);
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
  return (hit) => byEpisode.get(hit.id) ?? hit.id;
}

/** Ingests one conversation's turns as memories, counting the writes that merged into another turn's memory. */
async function ingestMemories(baseUrl: string, conversation: Conversation, merges: { count: number }): Promise<TurnsOf> {
  const byText = new Map<string, string[]>();
  for (const turn of conversation.turns) byText.set(normaliseContent(turn.content), [...(byText.get(normaliseContent(turn.content)) ?? []), turn.diaId]);
  const batch = 50;
  for (let from = 0; from < conversation.turns.length; from += batch) {
    const turns = conversation.turns.slice(from, from + batch);
    const { results } = await post<{ results: { action: string }[] }>(`${baseUrl}/api/v1/memories`, {
      namespace: `locomo-${conversation.id}`,
      memories: turns.map((turn) => ({ content: turn.content })),
    });
    merges.count += results.filter((result) => result.action !== 'created').length;
  }
  return (hit) => byText.get(normaliseContent(hit.item.content)) ?? hit.id;
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

async function askAll(baseUrl: string, conversation: Conversation, turnsOf: TurnsOf, mode: Mode, system: System): Promise<void> {
  for (const question of conversation.questions) {
    const start = performance.now();
    const result = await post<{ mode: string; hits: { id: string; score: number; item: { content: string } }[]; notices: string[] }>(`${baseUrl}/api/v1/search`, {
      namespace: `locomo-${conversation.id}`,
      query: question.question,
      types: [TIER],
      limit: DEPTH,
      mode,
    });
    system.latencyMs.push(performance.now() - start);
    if (result.mode !== mode) throw new Error(`asked for ${mode} search, got ${result.mode}: ${result.notices.join('; ')}`);
    system.answers.push({ question: question.question, category: question.category, evidence: question.evidence, retrieved: result.hits.map(turnsOf), scores: result.hits.map((hit) => hit.score) });
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
      system.answers.push({ question: question.question, category: question.category, evidence: question.evidence, retrieved });
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
  console.log(`data: ${datasetPath()}; embedder: Model2Vec ${MODEL_PATH}; turns written as ${TIER}`);
  if (Object.keys(extraEnv).length > 0) console.log(`settings: ${JSON.stringify(extraEnv)}`);
  console.log('\nphases:');

  const conversations = await phase('load the split', async () => loadConversations());
  const questions = conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0);
  const turns = conversations.reduce((sum, conversation) => sum + conversation.turns.length, 0);

  const server = await phase('start memOS (SQLite, Model2Vec)', () => startModel2VecMemos(extraEnv, 'memos-locomo-'));
  const systems: System[] = MODES.map((mode) => ({ name: `memOS ${mode}`, answers: [], latencyMs: [] }));
  const merges = { count: 0 };
  try {
    const maps = await phase(`ingest ${fmt(turns)} turns over HTTP as ${TIER}`, async () => {
      const out = [];
      for (const conversation of conversations) out.push(await ingest(server.baseUrl, conversation, merges));
      return out;
    });
    if (TIER === 'memories') console.log(`  (${fmt(merges.count)} of ${fmt(turns)} turns merged into the memory of another turn)`);
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

  const answers = process.env.LOCOMO_ANSWERS === '1';
  const results = systems.map((system) => ({
    name: system.name,
    scores: scoreByCategory(system.answers),
    latency: summarize(system.latencyMs),
    ...(answers ? { answers: system.answers } : {}),
  }));
  console.log(`\n${fmt(conversations.length)} conversations, ${fmt(turns)} turns, ${fmt(questions)} scored questions; recall and hit in %, search latency per question over HTTP (the baseline in process)`);
  report(results);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `locomo-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ env, settings: extraEnv, tier: TIER, merges: TIER === 'memories' ? merges.count : undefined, phases, warnings: [...warnings], results }, null, 2)}\n`);
  console.log(`\nresults: ${relative(process.cwd(), file)}`);
  if (warnings.size > 0) console.log(`warnings:\n  ${[...warnings].join('\n  ')}`);
}

await main();
