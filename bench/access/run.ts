// What access control costs: p50 and p95 of a keyword search and of a batch write through the
// HTTP API, with and without it, measured in one run. Variants, each a real memOS on 127.0.0.1:
//   embedded, keys off       SQLite, loopback with no key (the one-command start)
//   embedded, keys on        the same with MEMOS_AUTH=required and a write key on every request
//   server, keys and RLS off PostgreSQL + Redis, no key, row-level security off
//   server, keys on, RLS off the same with a write key
//   server, keys and RLS on  the same with a write key and row-level security (the default)
// Rounds interleave the variants, so that the machine's noise falls on all of them alike.
//
//   npm run bench:access                  (BENCH_ROUNDS, BENCH_CORPUS, BENCH_SERVER=0 to skip server mode)

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createMemos, type Memos } from '../../src/main.js';
import { dropSchema } from '../../src/storage/postgres/test-databases.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { fmt, summarize } from '../stats.js';
import { generateCorpus, generateQueries } from '../store/corpus.js';
import { POSTGRES_URL, REDIS_URL } from '../store/harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CORPUS = Number(process.env.BENCH_CORPUS ?? 3000);
const PER_ROUND = { search: 60, write: 15 };
const BATCH = 20;
const ADMIN_KEY = randomBytes(24).toString('hex');
const NAMESPACE = 'bench';

interface Variant {
  name: string;
  server: boolean;
  keys: boolean;
  env: Record<string, string>;
}

const VARIANTS: Variant[] = [
  { name: 'embedded, keys off', server: false, keys: false, env: {} },
  { name: 'embedded, keys on', server: false, keys: true, env: { MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: ADMIN_KEY } },
  ...(process.env.BENCH_SERVER === '0'
    ? []
    : [
        { name: 'server, keys and RLS off', server: true, keys: false, env: { MEMOS_DATABASE_ROW_SECURITY: 'false' } },
        { name: 'server, keys on, RLS off', server: true, keys: true, env: { MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: ADMIN_KEY, MEMOS_DATABASE_ROW_SECURITY: 'false' } },
        { name: 'server, keys and RLS on', server: true, keys: true, env: { MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: ADMIN_KEY } },
      ]),
];

interface Running {
  variant: Variant;
  memos: Memos;
  baseUrl: string;
  headers: Record<string, string>;
  samples: { search: number[]; write: number[] };
  close(): Promise<void>;
}

async function start(variant: Variant): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-access-'));
  const schema = `memos_bench_access_${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    env: {
      MEMOS_DATA_DIR: dir,
      MEMOS_LOG_LEVEL: 'silent',
      MEMOS_EMBEDDER: 'none',
      MEMOS_AUTO_BACKFILL: 'false',
      ...RATE_LIMIT_OFF,
      ...(variant.server
        ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: REDIS_URL, MEMOS_REDIS_KEY_PREFIX: `${schema}:` }
        : {}),
      ...variant.env,
    },
    cwd: dir,
  });
  const memos = await createMemos(config);
  await memos.app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(memos.app.server.address() as AddressInfo).port}`;
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (variant.keys) {
    // A write key bound to the namespace, as an agent would hold: the admin key only makes it.
    const made = await fetch(`${baseUrl}/api/v1/admin/keys`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ role: 'write', namespaces: [NAMESPACE], name: 'bench' }),
    });
    if (made.status !== 201) throw new Error(`${variant.name}: making a key answered ${made.status}`);
    headers = { ...headers, authorization: `Bearer ${((await made.json()) as { key: string }).key}` };
  }
  return {
    variant,
    memos,
    baseUrl,
    headers,
    samples: { search: [], write: [] },
    async close() {
      await memos.close();
      if (variant.server) await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function post(running: Running, path: string, body: unknown, expected: number[]): Promise<number> {
  const started = performance.now();
  const answer = await fetch(`${running.baseUrl}${path}`, { method: 'POST', headers: running.headers, body: JSON.stringify(body) });
  await answer.arrayBuffer();
  const ms = performance.now() - started;
  if (!expected.includes(answer.status)) throw new Error(`${running.variant.name}: POST ${path} answered ${answer.status}`);
  return ms;
}

const corpus = generateCorpus(CORPUS);
const queries = generateQueries(corpus, 200);
const fresh = generateCorpus(ROUNDS * PER_ROUND.write * BATCH * 2, 99);
let freshAt = 0;

const servers: Running[] = [];
try {
  for (const variant of VARIANTS) servers.push(await start(variant));
  // The same corpus in every variant, in batches of 100.
  for (const running of servers) {
    for (let at = 0; at < corpus.length; at += 100) {
      const memories = corpus.slice(at, at + 100).map(({ content, kind }) => ({ content, kind }));
      await post(running, '/api/v1/memories', { namespace: NAMESPACE, memories }, [200, 201]);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const running of servers) {
      for (let i = 0; i < PER_ROUND.search; i++) {
        const query = queries[(round * PER_ROUND.search + i) % queries.length]!;
        const ms = await post(running, '/api/v1/search', { namespace: NAMESPACE, query: query.text, mode: 'keyword', limit: 10 }, [200]);
        if (round > 0) running.samples.search.push(ms);
      }
      for (let i = 0; i < PER_ROUND.write; i++) {
        const memories = fresh.slice(freshAt, freshAt + BATCH).map(({ content, kind }) => ({ content: `${content} (${round}.${i})`, kind }));
        freshAt = (freshAt + BATCH) % (fresh.length - BATCH);
        const ms = await post(running, '/api/v1/memories', { namespace: NAMESPACE, memories }, [200, 201]);
        if (round > 0) running.samples.write.push(ms);
      }
    }
  }
  console.log(`\naccess control overhead: ${CORPUS} memories, ${ROUNDS - 1} measured rounds (the first warms up), keyword search (limit 10) and batch writes of ${BATCH}; ms`);
  console.log('variant                      search p50  search p95  write p50  write p95     n');
  for (const running of servers) {
    const search = summarize(running.samples.search);
    const write = summarize(running.samples.write);
    console.log(
      `${running.variant.name.padEnd(28)} ${fmt(search.p50, 2).padStart(10)}  ${fmt(search.p95, 2).padStart(10)}  ${fmt(write.p50, 2).padStart(9)}  ${fmt(write.p95, 2).padStart(9)}  ${String(search.n + write.n).padStart(5)}`,
    );
  }
} finally {
  for (const running of servers) await running.close().catch((error: unknown) => console.error(error));
}
