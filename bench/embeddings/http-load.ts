// Starts a real memOS on a fresh data folder and drives its embedding gateway over HTTP with
// Node's global fetch (undici, keep-alive): request series at a fixed concurrency, cache
// clearing and the server's own cache statistics.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createMemos, type Memos } from '../../src/main.js';
import type { GatewayCacheStats } from '../../src/embeddings/gateway-service.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';

export type Encoding = 'float' | 'base64';

export interface Gateway {
  memos: Memos;
  baseUrl: string;
  /** The model the server serves (what clients must name). */
  model: string;
  dimensions: number;
  close(): Promise<void>;
}

/** memOS in-process on 127.0.0.1 (ephemeral port), no backfill, silent logs; waits for the embedder. */
export async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-embed-'));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dir, MEMOS_LOG_LEVEL: 'silent', MEMOS_AUTO_BACKFILL: 'false', ...RATE_LIMIT_OFF, ...env },
    cwd: dir,
  });
  const memos = await createMemos(config);
  await memos.embeddings.settled;
  const status = memos.embeddings.status();
  if (status.state !== 'ready') {
    await memos.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the embedder is ${status.state}: ${status.detail}`);
  }
  await memos.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = memos.app.server.address() as AddressInfo;
  return {
    memos,
    baseUrl: `http://127.0.0.1:${port}`,
    model: memos.embeddings.model,
    dimensions: memos.embeddings.dimensions,
    async close() {
      await memos.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function call<T>(gateway: Gateway, method: 'GET' | 'POST', path: string, body?: string): Promise<T> {
  const init: RequestInit = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body };
  const response = await fetch(gateway.baseUrl + path, init);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export const clearCache = (gateway: Gateway) =>
  call<{ cleared: number }>(gateway, 'POST', '/api/v1/embeddings/cache/clear', '{}').then((reply) => reply.cleared);

/** What `GET /api/v1/embeddings/cache/stats` answers. */
export type ServerCacheStats = GatewayCacheStats;

export const cacheStats = (gateway: Gateway) => call<ServerCacheStats>(gateway, 'GET', '/api/v1/embeddings/cache/stats');

interface EmbeddingsReply {
  data: { index: number; embedding: number[] | string }[];
}

/** Request bodies for `POST /v1/embeddings`, serialised ahead of the timed spans (client work). */
export function requestBodies(model: string, batches: readonly string[][], encoding: Encoding): string[] {
  return batches.map((texts) => JSON.stringify({ model, input: texts.length === 1 ? texts[0] : texts, encoding_format: encoding }));
}

/** One request, timed from send to the parsed, decoded reply; checks the count and length of the vectors. */
async function embedOnce(gateway: Gateway, body: string, expected: number): Promise<number> {
  const begin = performance.now();
  const reply = await call<EmbeddingsReply>(gateway, 'POST', '/v1/embeddings', body);
  for (const item of reply.data) {
    const length = typeof item.embedding === 'string' ? Buffer.from(item.embedding, 'base64').byteLength / 4 : item.embedding.length;
    if (length !== gateway.dimensions) throw new Error(`POST /v1/embeddings answered a ${length}-dimensional vector, expected ${gateway.dimensions}`);
  }
  const ms = performance.now() - begin;
  if (reply.data.length !== expected) throw new Error(`POST /v1/embeddings answered ${reply.data.length} vectors for ${expected} texts`);
  return ms;
}

export interface RunResult {
  /** One sample per request, in completion order. */
  latencies: number[];
  wallMs: number;
}

/** Sends every body once, keeping `concurrency` requests in flight (1 = one after another). */
export async function runRequests(gateway: Gateway, bodies: readonly string[], textsPerBody: readonly number[], concurrency: number): Promise<RunResult> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      latencies.push(await embedOnce(gateway, bodies[index] as string, textsPerBody[index] as number));
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  return { latencies, wallMs: performance.now() - start };
}
