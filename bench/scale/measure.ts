// One memOS build in one storage mode through the scale benchmark's layouts: ingest by steps, the
// search and context series at each measured size, resident memory, the first searches after a
// restart, and the embeddings gateway on cache hits.

import type { QueryPlan } from './corpus.js';
import { clearCaches, ingestStep, load, timedOnce, timedSeries, type IngestStep, type Load, type Scope, type Series, type SeriesKind } from './http-driver.js';
import { createMemosProcess, type MemosProcess, type StoreMode } from './memos-process.js';
import type { SourceTree } from './source-tree.js';

export type LayoutName = 'one' | 'users';
export const USER_RECORDS = 1000;

export interface Layout {
  name: LayoutName;
  scope: Scope;
  /** The user every search and context request names. */
  searchedUser: string;
  /** The corpus rows that user holds once `reached` records are written: [from, to). */
  searchedRows(reached: number): [number, number];
}

/** one: one namespace, one user. users: users of USER_RECORDS records each, one after another, in one namespace. */
export const LAYOUTS: Record<LayoutName, Layout> = {
  one: { name: 'one', scope: { namespace: 'scale-one', userOf: () => 'user-one' }, searchedUser: 'user-one', searchedRows: (reached) => [0, reached] },
  users: {
    name: 'users',
    scope: { namespace: 'scale-users', userOf: (index) => `user-${String(Math.floor(index / USER_RECORDS)).padStart(3, '0')}` },
    searchedUser: 'user-000',
    searchedRows: (reached) => [0, Math.min(USER_RECORDS, reached)],
  },
};

export interface Point {
  /** The planned size, and the records actually stored when it was measured (less when ingest was capped). */
  size: number;
  reached: number;
  series: Record<SeriesKind, Series>;
  rssBytes: { now: number; peak: number };
}

export interface Restart {
  records: number;
  /** Process start to ready (storage answers, embedder loaded). */
  readyMs: number;
  firstVectorMs: number;
  firstHybridMs: number;
  rssBytes: { now: number; peak: number };
}

export interface LayoutRun {
  layout: LayoutName;
  steps: IngestStep[];
  points: Point[];
  restart?: Restart;
}

export interface GatewayRun {
  model: string;
  byConcurrency: { memos: Load; bare: Load }[];
}

export interface TargetRun {
  label: string;
  tree: string;
  commit: string;
  mode: StoreMode;
  layouts: LayoutRun[];
  gateway?: GatewayRun;
  error?: string;
}

export interface Plan {
  texts: readonly string[];
  queries: QueryPlan;
  /** Ingest step ends, ascending; the last is the largest size. */
  boundaries: readonly number[];
  sizes: readonly number[];
  layouts: readonly LayoutName[];
  segmentBudgetMs: number;
  seriesBudgetMs: number;
  /** Server mode: VACUUM (ANALYZE) after every ingest step. */
  analyze: boolean;
  /** The share of the exact top-10 over corpus rows [from, to) found in each timed query's hits (texts, in series order). */
  recallAt10(rows: [number, number], contents: readonly string[][]): number;
  gateway: { bareUrl: string; texts: readonly string[]; requests: number; concurrency: readonly number[] };
  log(line: string): void;
}

const SERIES: readonly SeriesKind[] = ['keyword', 'vector', 'hybrid', 'context'];

async function measurePoint(memos: MemosProcess, layout: Layout, plan: Plan, size: number, reached: number): Promise<Point> {
  const scope = { namespace: layout.scope.namespace, userId: layout.searchedUser };
  const series = {} as Record<SeriesKind, Series>;
  for (const kind of SERIES) {
    series[kind] = await timedSeries(memos.baseUrl, kind, scope, plan.queries, plan.seriesBudgetMs);
    if (kind === 'vector') series.vector.recallAt10 = plan.recallAt10(layout.searchedRows(reached), series.vector.contents);
    plan.log(`    ${kind} at ${reached}: p50 ${series[kind].ms.p50.toFixed(1)} ms, p95 ${series[kind].ms.p95.toFixed(1)} ms (n=${series[kind].ms.n}${series[kind].capped ? ', capped' : ''}${series[kind].recallAt10 === undefined ? '' : `, recall@10 against exact ${series[kind].recallAt10?.toFixed(3)}`})`);
  }
  return { size, reached, series, rssBytes: memos.rss() };
}

async function measureRestart(memos: MemosProcess, layout: Layout, plan: Plan, records: number): Promise<Restart> {
  const scope = { namespace: layout.scope.namespace, userId: layout.searchedUser };
  await clearCaches(memos.baseUrl);
  await memos.stop();
  const readyMs = await memos.start();
  const firstVectorMs = await timedOnce(memos.baseUrl, 'vector', scope, plan.queries.afterRestart.vector);
  const firstHybridMs = await timedOnce(memos.baseUrl, 'hybrid', scope, plan.queries.afterRestart.hybrid);
  return { records, readyMs, firstVectorMs, firstHybridMs, rssBytes: memos.rss() };
}

/** POST /v1/embeddings of single texts, all cache hits (each text asked once before), against the bare route. */
async function measureGateway(memos: MemosProcess, plan: Plan): Promise<GatewayRun> {
  const models = (await (await fetch(`${memos.baseUrl}/v1/models`)).json()) as { data: { id: string }[] };
  const model = models.data[0]?.id ?? 'unknown';
  const distinct = plan.gateway.texts.map((input) => JSON.stringify({ model, input }));
  await load(memos.baseUrl, '/v1/embeddings', distinct, 4);
  const bodies = Array.from({ length: plan.gateway.requests }, (_, i) => distinct[i % distinct.length] as string);
  await load(plan.gateway.bareUrl, '/v1/embeddings', bodies.slice(0, 200), 4);
  const byConcurrency: GatewayRun['byConcurrency'] = [];
  for (const concurrency of plan.gateway.concurrency) {
    // Four rounds, memOS and the bare route in turn (the order swapped each round), so that drift
    // on a busy machine falls on both alike; requests/s over all four rounds, latency of the last.
    const quarter = Math.max(1, Math.floor(bodies.length / 4));
    const sides = { memos: { url: memos.baseUrl, ms: 0, requests: 0, last: undefined as Load | undefined }, bare: { url: plan.gateway.bareUrl, ms: 0, requests: 0, last: undefined as Load | undefined } };
    for (let round = 0; round < 4; round++) {
      const chunk = bodies.slice(round * quarter, (round + 1) * quarter);
      for (const side of round % 2 === 0 ? [sides.memos, sides.bare] : [sides.bare, sides.memos]) {
        const run = await load(side.url, '/v1/embeddings', chunk, concurrency);
        side.ms += (run.requests / run.requestsPerSec) * 1000;
        side.requests += run.requests;
        side.last = run;
      }
    }
    const total = (side: typeof sides.memos): Load => ({ ...(side.last as Load), requests: side.requests, requestsPerSec: (side.requests / side.ms) * 1000 });
    byConcurrency.push({ memos: total(sides.memos), bare: total(sides.bare) });
  }
  return { model, byConcurrency };
}

async function runLayout(tree: SourceTree, mode: StoreMode, layout: Layout, plan: Plan, run: TargetRun): Promise<LayoutRun> {
  const memos = await createMemosProcess(tree, mode);
  const result: LayoutRun = { layout: layout.name, steps: [], points: [] };
  try {
    const readyMs = await memos.start();
    plan.log(`  ${run.label} ${mode} ${layout.name}: ready in ${readyMs.toFixed(0)} ms`);
    if (run.gateway === undefined && plan.gateway.requests > 0) run.gateway = await measureGateway(memos, plan);
    let at = 0;
    for (const boundary of plan.boundaries) {
      const step = await ingestStep(memos.baseUrl, plan.texts, layout.scope, at, boundary, plan.segmentBudgetMs);
      result.steps.push(step);
      at = step.reached;
      plan.log(`    ingest ${step.from}→${step.reached}: ${step.recordsPerSec.toFixed(0)} records/s${step.capped ? ` (capped at ${plan.segmentBudgetMs / 1000} s)` : ''}${step.notCreated > 0 ? `, ${step.notCreated} not created` : ''}`);
      if (plan.analyze && (await memos.analyze())) plan.log('    VACUUM (ANALYZE), as autovacuum would');
      // A capped step ends the ingest: the size it was heading for is measured where it stopped.
      const size = plan.sizes.find((planned) => planned >= boundary) as number;
      if (step.capped || size === boundary) result.points.push(await measurePoint(memos, layout, plan, size, at));
      if (step.capped) break;
    }
    if (layout.name === 'one') result.restart = await measureRestart(memos, layout, plan, at);
    if (result.restart) plan.log(`    restart: ready ${result.restart.readyMs.toFixed(0)} ms, first vector ${result.restart.firstVectorMs.toFixed(1)} ms, first hybrid ${result.restart.firstHybridMs.toFixed(1)} ms`);
    return result;
  } finally {
    await memos.dispose();
  }
}

/** Every layout of the plan on one build and mode; a failure is kept in `error` and ends this target only. */
export async function runTarget(tree: SourceTree, mode: StoreMode, plan: Plan): Promise<TargetRun> {
  const run: TargetRun = { label: tree.label, tree: tree.root, commit: tree.commit, mode, layouts: [] };
  try {
    for (const name of plan.layouts) run.layouts.push(await runLayout(tree, mode, LAYOUTS[name], plan, run));
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    plan.log(`  ERROR ${tree.label} ${mode}: ${run.error}`);
  }
  return run;
}
