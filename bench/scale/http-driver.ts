// Drives a memOS (or the bare Fastify stand-in) over its public HTTP API only, so the benchmark
// runs unchanged across versions of the code: batch writes, timed search and context series on
// cache misses, the first searches after a restart, and request series at a fixed concurrency.

import { summarize, type Summary } from '../stats.js';

export const BATCH = 500;
export type SearchMode = 'keyword' | 'vector' | 'hybrid';

export async function postJson<T>(baseUrl: string, path: string, body: string, expected: readonly number[] = [200]): Promise<T> {
  const response = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`POST ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Drops every cached answer and embedding, so the next searches are cache misses. */
export async function clearCaches(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/cache`, { method: 'DELETE' });
  if (response.status !== 200) throw new Error(`DELETE /api/v1/cache: HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

export interface IngestStep {
  from: number;
  /** The step's planned end. */
  to: number;
  /** Where it stopped: `to`, or less when the budget ran out. */
  reached: number;
  seconds: number;
  recordsPerSec: number;
  /** Batch round trips, request sent to reply parsed. */
  batchMs: Summary;
  /** Writes that did not create a memory (merged or unchanged): 0 on a distinct corpus. */
  notCreated: number;
  capped: boolean;
}

export interface Scope {
  namespace: string;
  /** The user record `index` belongs to. */
  userOf(index: number): string;
}

/**
 * POSTs texts[from, to) to /api/v1/memories in batches of BATCH, one at a time, a batch never
 * spanning two users. Stops (the step is then `capped`) before a batch that would take it past
 * `budgetMs` if it took as long as the one before: a store slowing down with size cannot stall the run.
 */
export async function ingestStep(baseUrl: string, texts: readonly string[], scope: Scope, from: number, to: number, budgetMs: number): Promise<IngestStep> {
  const batchMs: number[] = [];
  let at = from;
  let notCreated = 0;
  const begin = performance.now();
  while (at < to && performance.now() - begin + (batchMs.at(-1) ?? 0) <= budgetMs) {
    const userId = scope.userOf(at);
    let end = Math.min(at + BATCH, to);
    while (end > at + 1 && scope.userOf(end - 1) !== userId) end -= 1;
    const body = JSON.stringify({ namespace: scope.namespace, userId, memories: texts.slice(at, end).map((content) => ({ content })) });
    const sent = performance.now();
    const reply = await postJson<{ results: { action: string }[] }>(baseUrl, '/api/v1/memories', body, [200, 201]);
    batchMs.push(performance.now() - sent);
    notCreated += reply.results.filter((result) => result.action !== 'created').length;
    at = end;
  }
  const seconds = (performance.now() - begin) / 1000;
  return { from, to, reached: at, seconds, recordsPerSec: (at - from) / seconds, batchMs: summarize(batchMs), notCreated, capped: at < to };
}

export interface Series {
  /** One sample per timed request, milliseconds from send to parsed reply. */
  ms: Summary;
  /** Mean hits (search) or memories (context) per answer. */
  meanResults: number;
  /** Answers served from the response cache (should be 0). */
  cached: number;
  /** Search only: the content of each answer's hits, best first, per timed query in order. */
  contents: string[][];
  /** Vector search: the share of the exact top-10 (brute force over the same vectors) among the hits. */
  recallAt10?: number;
  /** True when the time budget ended the series before every query was asked. */
  capped: boolean;
}

export type SeriesKind = SearchMode | 'context';

function requestOf(kind: SeriesKind, scope: { namespace: string; userId: string }, query: string): { path: string; body: string } {
  if (kind === 'context') return { path: '/api/v1/context', body: JSON.stringify({ ...scope, query }) };
  return { path: '/api/v1/search', body: JSON.stringify({ ...scope, query, mode: kind, limit: 10 }) };
}

async function ask(baseUrl: string, kind: SeriesKind, scope: { namespace: string; userId: string }, query: string): Promise<{ results: number; cached: boolean; contents: string[] }> {
  const { path, body } = requestOf(kind, scope, query);
  const reply = await postJson<{ hits?: { item?: { content?: string } }[]; memories?: unknown[]; cached?: boolean; mode?: string }>(baseUrl, path, body);
  if (kind !== 'context' && reply.mode !== kind) throw new Error(`asked for ${kind} search, memOS answered in ${reply.mode} mode (is the embedder ready?)`);
  const contents = (reply.hits ?? []).map((hit) => hit.item?.content ?? '');
  return { results: (kind === 'context' ? reply.memories : reply.hits)?.length ?? 0, cached: reply.cached === true, contents };
}

/**
 * Warm-up queries, then the caches cleared, then each timed query once, one request at a time,
 * until the queries or `budgetMs` run out (at least `minSamples` are taken).
 */
export async function timedSeries(
  baseUrl: string,
  kind: SeriesKind,
  scope: { namespace: string; userId: string },
  queries: { warmup: readonly string[]; series: readonly string[] },
  budgetMs: number,
  minSamples = 3,
): Promise<Series> {
  for (const query of queries.warmup) await ask(baseUrl, kind, scope, query);
  await clearCaches(baseUrl);
  const ms: number[] = [];
  const contents: string[][] = [];
  let results = 0;
  let cached = 0;
  const begin = performance.now();
  for (const query of queries.series) {
    if (ms.length >= minSamples && performance.now() - begin > budgetMs) break;
    const sent = performance.now();
    const reply = await ask(baseUrl, kind, scope, query);
    ms.push(performance.now() - sent);
    results += reply.results;
    contents.push(reply.contents);
    if (reply.cached) cached += 1;
  }
  return { ms: summarize(ms), meanResults: results / ms.length, cached, contents, capped: ms.length < queries.series.length };
}

/** One request, timed (the first searches after a restart). */
export async function timedOnce(baseUrl: string, kind: SeriesKind, scope: { namespace: string; userId: string }, query: string): Promise<number> {
  const sent = performance.now();
  await ask(baseUrl, kind, scope, query);
  return performance.now() - sent;
}

export interface Load {
  requests: number;
  concurrency: number;
  requestsPerSec: number;
  ms: Summary;
}

/** Sends every body once to `path`, keeping `concurrency` requests in flight. */
export async function load(baseUrl: string, path: string, bodies: readonly string[], concurrency: number): Promise<Load> {
  const ms: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const sent = performance.now();
      await postJson(baseUrl, path, body, [200, 201]);
      ms.push(performance.now() - sent);
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return { requests: bodies.length, concurrency, requestsPerSec: (bodies.length / (performance.now() - begin)) * 1000, ms: summarize(ms) };
}
