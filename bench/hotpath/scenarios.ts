// What the hot-path benchmark does to one server over HTTP: ingest memories with vectors in
// batches of 500, then hybrid searches and context bundles on cache misses (every query distinct),
// then the embeddings gateway on a cache hit.
import { generateCorpus, generateQueries, type CorpusMemory } from '../store/corpus.js';
import { summarize, type Summary } from '../stats.js';
import { expectPost, type Client } from './client.js';
import { rawThroughput } from './raw-load.js';

export const NAMESPACE = 'hotpath';
export const BATCH = 500;
const SESSIONS = 20;

export interface IngestResult {
  records: number;
  recordsPerSec: number;
  /** Records per second of each batch, in order. */
  perBatch: number[];
}

/** Memories with their user and agent dropped: one scope, as the issue measures. */
export function memoriesOf(count: number): CorpusMemory[] {
  return generateCorpus(count, 42);
}

/** Servers in turn, starting one further each time: interleaved, the servers compared meet the same moments of a shared machine. */
const inTurn = (count: number, step: number) => Array.from({ length: count }, (_, k) => (step + k) % count);

/** The corpus into every server, batch by batch, the servers taking each batch in turn; one result per client. */
export async function ingestMemories(clients: readonly Client[], corpus: readonly CorpusMemory[]): Promise<IngestResult[]> {
  const perBatch = clients.map((): number[] => []);
  const busyMs = clients.map(() => 0);
  for (let at = 0; at < corpus.length; at += BATCH) {
    const batch = corpus.slice(at, at + BATCH).map(({ content, kind, importance, metadata }) => ({ content, kind, importance, metadata }));
    for (const k of inTurn(clients.length, at / BATCH)) {
      const begin = performance.now();
      await expectPost(clients[k]!, '/api/v1/memories', { namespace: NAMESPACE, memories: batch });
      const ms = performance.now() - begin;
      busyMs[k]! += ms;
      perBatch[k]!.push((batch.length / ms) * 1000);
    }
  }
  return clients.map((_, k) => ({ records: corpus.length, recordsPerSec: (corpus.length / busyMs[k]!) * 1000, perBatch: perBatch[k]! }));
}

/** Episodes in SESSIONS sessions (conversation turns drawn from the same corpus), so that hybrid search has neighbours to expand. */
export async function ingestEpisodes(client: Client, corpus: readonly CorpusMemory[]): Promise<void> {
  for (let at = 0; at < corpus.length; at += BATCH) {
    const episodes = corpus.slice(at, at + BATCH).map(({ content }, i) => ({ kind: 'message', role: (at + i) % 2 === 0 ? 'user' : 'assistant', content, sessionId: `s${(at + i) % SESSIONS}` }));
    await expectPost(client, '/api/v1/episodes', { namespace: NAMESPACE, episodes });
  }
}

/** Distinct query texts drawn from the corpus, so that every request misses the response cache. */
export function distinctQueries(corpus: readonly CorpusMemory[], count: number, seed: number): string[] {
  const seen = new Set<string>();
  for (const { text } of generateQueries(corpus, count * 4, seed)) {
    seen.add(text);
    if (seen.size === count) break;
  }
  return [...seen];
}

/** One request after another, each body to every server in turn; the latencies of each server. */
export async function latencies(clients: readonly Client[], path: string, bodies: readonly unknown[]): Promise<Summary[]> {
  const samples = clients.map((): number[] => []);
  for (const [index, body] of bodies.entries()) {
    for (const k of inTurn(clients.length, index)) {
      const begin = performance.now();
      const reply = await expectPost<{ cached?: boolean }>(clients[k]!, path, body);
      samples[k]!.push(performance.now() - begin);
      if (reply.cached === true) throw new Error(`${path} answered from the response cache: the bench measures misses`);
    }
  }
  return samples.map((ms) => summarize(ms));
}

export const hybridBodies = (queries: readonly string[]) => queries.map((query) => ({ namespace: NAMESPACE, query, limit: 10, mode: 'hybrid' }));
export const contextBodies = (queries: readonly string[]) => queries.map((query) => ({ namespace: NAMESPACE, query, tokenBudget: 2000, limit: 10 }));

/** The gateway's request body: one text, float vectors (what most OpenAI clients send). */
export const gatewayBody = (model: string) => JSON.stringify({ namespace: NAMESPACE, model, input: 'Alice prefers green tea when reviewing code.' });

/** Requests per second on `POST /v1/embeddings` with the same body every time (a cache hit after the first). */
export async function gatewayRate(client: Client, baseUrl: string, body: string, concurrency: number, maxRequests: number, maxMs: number): Promise<{ perSec: number; answered: number }> {
  const first = await client.post<{ data?: { embedding: number[] }[] }>('/v1/embeddings', body);
  if (first.status !== 200 || first.body.data?.[0]?.embedding.length !== 128) throw new Error(`POST /v1/embeddings: HTTP ${first.status}: ${JSON.stringify(first.body).slice(0, 300)}`);
  return rawThroughput(baseUrl, '/v1/embeddings', body, concurrency, maxRequests, maxMs);
}
