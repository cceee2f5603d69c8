// A memOS for a benchmark: SQLite in a fresh temporary folder, the real Model2Vec model, listening
// on a free loopback port, removed again on close.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { createMemos, type Memos } from '../src/main.js';
import { RATE_LIMIT_OFF } from './rate-limit-off.js';

export const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'models', 'potion-base-4M-int8');

export interface BenchServer {
  memos: Memos;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startModel2VecMemos(extraEnv: Record<string, string> = {}, prefix = 'memos-bench-'): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dir, MEMOS_LOG_LEVEL: 'silent', MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, ...RATE_LIMIT_OFF, ...extraEnv },
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

export async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
