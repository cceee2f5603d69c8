// The limits memOS is measured against, on the same texts and vectors: the Model2Vec model alone,
// a brute-force cosine loop in JS, a raw better-sqlite3 + FTS5 insert (and a raw FTS5 top-10), and
// a bare Fastify route of the same request shapes, as its own process like memOS.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { keywordTerms } from '../../src/core/text.js';
import { createModel2VecProvider } from '../../src/embeddings/model2vec/index.js';
import { MODEL_PATH } from '../model2vec-server.js';
import { summarize, type Summary } from '../stats.js';
import { BATCH } from './http-driver.js';

export interface Vectors {
  /** Unit-length rows, `dimensions` floats each, in corpus order. */
  matrix: Float32Array;
  dimensions: number;
  model: string;
  textsPerSec: number;
}

const unit = (vector: Float32Array): Float32Array => {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
};

/** Embeds `texts` (batches of BATCH) and `queries` with the Model2Vec model in this process. */
export async function embedAll(texts: readonly string[], queries: readonly string[]): Promise<{ corpus: Vectors; queries: Float32Array[] }> {
  const provider = createModel2VecProvider({ path: MODEL_PATH, cacheDir: tmpdir() });
  await provider.init();
  try {
    const dimensions = provider.dimensions;
    const matrix = new Float32Array(texts.length * dimensions);
    const begin = performance.now();
    for (let at = 0; at < texts.length; at += BATCH) {
      const vectors = await provider.embed({ texts: texts.slice(at, at + BATCH), purpose: 'document' });
      vectors.forEach((vector, i) => matrix.set(unit(vector), (at + i) * dimensions));
    }
    const textsPerSec = (texts.length / (performance.now() - begin)) * 1000;
    const queryVectors = (await provider.embed({ texts: [...queries], purpose: 'query' })).map(unit);
    return { corpus: { matrix, dimensions, model: provider.model, textsPerSec }, queries: queryVectors };
  } finally {
    await provider.close();
  }
}

/** Rows [from, to) of the matrix with the ten highest cosines to `query`, best first. */
export function exactTop10(vectors: Vectors, query: Float32Array, from: number, to: number): number[] {
  const { matrix, dimensions } = vectors;
  const best: { row: number; score: number }[] = [];
  for (let row = from; row < to; row++) {
    let score = 0;
    const offset = row * dimensions;
    for (let d = 0; d < dimensions; d++) score += (matrix[offset + d] as number) * (query[d] as number);
    if (best.length < 10 || score > (best[9] as { score: number }).score) {
      best.push({ row, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > 10) best.pop();
    }
  }
  return best.map((entry) => entry.row);
}

/** The time per query of exactTop10 over rows [from, to), one query at a time, after a short warm-up. */
export function bruteForce(vectors: Vectors, queries: readonly Float32Array[], from: number, to: number): Summary {
  const ms: number[] = [];
  const warm = Math.min(5, queries.length);
  for (const [index, query] of [...queries.slice(0, warm), ...queries].entries()) {
    const begin = performance.now();
    exactTop10(vectors, query, from, to);
    if (index >= warm) ms.push(performance.now() - begin);
  }
  return summarize(ms);
}

export interface RawSqliteStep {
  to: number;
  recordsPerSec: number;
}

/**
 * Inserts the rows (id, namespace, user, content, vector) into a fresh SQLite file with an FTS5 index
 * on content (memOS's tokenizer), one transaction per BATCH, WAL and synchronous FULL as memOS's
 * default; records/s per step up to each boundary. Then a raw FTS5 top-10 (bm25 over the whole table)
 * per query, its terms (as memOS takes them from the query) OR-ed.
 */
export function rawSqlite(texts: readonly string[], vectors: Vectors, userOf: (index: number) => string, boundaries: readonly number[], queries: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE memories (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, user_id TEXT, content TEXT NOT NULL, embedding BLOB);
      CREATE INDEX memories_user ON memories (namespace, user_id);
      CREATE VIRTUAL TABLE memories_fts USING fts5(content, content = 'memories', content_rowid = 'seq', tokenize = 'porter unicode61 remove_diacritics 2');
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN INSERT INTO memories_fts (rowid, content) VALUES (new.seq, new.content); END;`);
    const insert = db.prepare('INSERT INTO memories (id, namespace, user_id, content, embedding) VALUES (?, ?, ?, ?, ?)');
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const vector = vectors.matrix.subarray(i * vectors.dimensions, (i + 1) * vectors.dimensions);
        insert.run(`mem_${i}`, 'bench', userOf(i), texts[i], Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      }
    });
    const steps: RawSqliteStep[] = [];
    let at = 0;
    for (const to of boundaries) {
      const begin = performance.now();
      for (; at < to; at += BATCH) batch(at, Math.min(at + BATCH, to));
      at = to;
      steps.push({ to, recordsPerSec: ((to - (steps.at(-1)?.to ?? 0)) / (performance.now() - begin)) * 1000 });
    }
    const match = db.prepare<[string], { seq: number }>('SELECT rowid AS seq FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT 10');
    const ms: number[] = [];
    for (const query of queries) {
      // memOS's own query terms (stopwords dropped), OR-ed as memOS's keyword search does.
      const terms = keywordTerms(query).map((term) => `"${term}"`);
      if (terms.length === 0) continue;
      const begin = performance.now();
      match.all(terms.join(' OR '));
      ms.push(performance.now() - begin);
    }
    return { steps, keyword: summarize(ms) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BareFastify {
  baseUrl: string;
  stop(): Promise<void>;
}

/** bench/scale/bare-fastify.ts in its own process (through tsx), on a free loopback port. */
export async function startBareFastify(model: string, dimensions: number): Promise<BareFastify> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'bare-fastify.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BARE_MODEL: model, BARE_DIMENSIONS: String(dimensions) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare Fastify app did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the bare Fastify app exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  return {
    baseUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
