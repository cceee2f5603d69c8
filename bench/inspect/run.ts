// What inspecting costs at scale: p50 and p95 of GET /api/v1/stats (a namespace, and one user in
// it), GET /api/v1/namespaces and GET /api/v1/users, against a baseline in the same run: a page of
// GET /api/v1/episodes, the cheapest namespaced read. Each mode is a real memOS served through
// inject() (no socket), holding BENCH_RECORDS records (half episodes, half memories, spread over
// the corpus's users) and a few hundred live sessions; no embedder.
//
//   npx tsx bench/inspect/run.ts             (BENCH_RECORDS, default 100000; BENCH_ROUNDS, default 30; BENCH_SERVER=0 skips server mode)

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createMemos, type Memos } from '../../src/main.js';
import { dropSchema } from '../../src/storage/postgres/test-databases.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { POSTGRES_URL, REDIS_URL, removeRedisKeys } from '../services.js';
import { fmt, heading, summarize, table } from '../stats.js';
import { generateCorpus } from '../store/corpus.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const SESSIONS = 300;
const BATCH = 1000;
const NAMESPACE = 'bench';

const corpus = generateCorpus(Math.ceil(RECORDS / 2));

async function must(memos: Memos, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object): Promise<void> {
  const answer = await memos.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  if (answer.statusCode >= 300) throw new Error(`${method} ${url} answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
}

async function run(mode: 'embedded' | 'server'): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-inspect-'));
  const schema = `memos_bench_inspect_${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    env: {
      MEMOS_DATA_DIR: dir,
      MEMOS_LOG_LEVEL: 'silent',
      MEMOS_EMBEDDER: 'none',
      MEMOS_AUTO_BACKFILL: 'false',
      ...RATE_LIMIT_OFF,
      ...(mode === 'server' ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: REDIS_URL, MEMOS_REDIS_KEY_PREFIX: `${schema}:` } : {}),
    },
    cwd: dir,
  });
  const memos = await createMemos(config);
  try {
    const loading = performance.now();
    for (let at = 0; at < corpus.length; at += BATCH) {
      const slice = corpus.slice(at, at + BATCH);
      await must(memos, 'POST', '/api/v1/episodes', { namespace: NAMESPACE, episodes: slice.map(({ content, userId }) => ({ kind: 'observation', content, userId })) });
      await must(memos, 'POST', '/api/v1/memories', { namespace: NAMESPACE, memories: slice.map(({ content, kind, userId }) => ({ content, kind, userId })) });
    }
    for (let i = 0; i < SESSIONS; i++) await must(memos, 'PUT', `/api/v1/sessions/s-${i}`, { namespace: NAMESPACE, userId: corpus[i]!.userId, messages: [{ role: 'user', content: 'hello' }], ttlSeconds: 300 + i * 10 });
    process.stdout.write(`${mode}: loaded ${corpus.length * 2} records and ${SESSIONS} sessions in ${fmt((performance.now() - loading) / 1000, 1)} s\n`);

    const user = corpus[0]!.userId;
    const routes: Array<[string, string]> = [
      ['baseline: GET /episodes?limit=10', `/api/v1/episodes?namespace=${NAMESPACE}&limit=10`],
      ['GET /stats (namespace)', `/api/v1/stats?namespace=${NAMESPACE}`],
      ['GET /stats (one user)', `/api/v1/stats?namespace=${NAMESPACE}&userId=${user}`],
      ['GET /namespaces', '/api/v1/namespaces'],
      ['GET /users?limit=100', `/api/v1/users?namespace=${NAMESPACE}&limit=100`],
      ['GET /sessions?limit=100', `/api/v1/sessions?namespace=${NAMESPACE}&limit=100`],
    ];
    const samples = routes.map((): number[] => []);
    // Rounds interleave the routes; the first warms caches and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [n, [, url]] of routes.entries()) {
        const started = performance.now();
        await must(memos, 'GET', url);
        if (round > 0) samples[n]!.push(performance.now() - started);
      }
    }
    return routes.map(([name], n) => {
      const s = summarize(samples[n]!);
      return [mode, name, fmt(s.p50, 1), fmt(s.p95, 1)];
    });
  } finally {
    await memos.close();
    if (mode === 'server') {
      await dropSchema(schema);
      await removeRedisKeys(`${schema}:`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [...(await run('embedded')), ...(process.env.BENCH_SERVER === '0' ? [] : await run('server'))];
process.stdout.write(`${heading(`inspect at ${RECORDS} records (${ROUNDS} rounds)`)}\n${table(['mode', 'request', 'p50 ms', 'p95 ms'], rows, ['left', 'left', 'right', 'right'])}\n`);
