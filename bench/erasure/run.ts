// What a verified erasure costs: the time of DELETE /api/v1/users/{userId} for a user with
// SUBJECT memories and SUBJECT episodes (all embedded), in a namespace that holds CORPUS records of
// 50 other users, against the baseline of deleting the same records one request at a time
// (DELETE /api/v1/memories/{id}, /episodes/{id}: no sessions, caches, history check or receipt).
// Each round seeds the user again. Embedded (SQLite) and server mode (PostgreSQL + Redis).
//
//   npx tsx bench/erasure/run.ts          (BENCH_ROUNDS, BENCH_CORPUS, BENCH_SUBJECT, BENCH_SERVER=0 to skip server mode)

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createMemos, type Memos } from '../../src/main.js';
import { dropSchema } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, removeKeys } from '../../src/storage/redis/test-redis.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { fmt, summarize } from '../stats.js';
import { POSTGRES_URL, REDIS_URL } from '../store/harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CORPUS = Number(process.env.BENCH_CORPUS ?? 5000);
const SUBJECT = Number(process.env.BENCH_SUBJECT ?? 300);
const MODEL = process.env.MEMOS_MODEL2VEC_PATH;
const NS = 'bench';
const BATCH = 250;

async function start(server: boolean): Promise<{ memos: Memos; remove(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-erasure-'));
  const schema = `bench_erasure_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    env: {
      MEMOS_DATA_DIR: dir,
      MEMOS_LOG_LEVEL: 'silent',
      MEMOS_AUTO_BACKFILL: 'false',
      ...(MODEL === undefined ? { MEMOS_EMBEDDER: 'none' } : { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL }),
      ...RATE_LIMIT_OFF,
      ...(server ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: REDIS_URL, MEMOS_REDIS_KEY_PREFIX: `${schema}:` } : {}),
    },
    cwd: dir,
  });
  const memos = await createMemos(config);
  await memos.embeddings.settled;
  return {
    memos,
    async remove() {
      await memos.close();
      if (server) {
        await dropSchema(schema);
        const redis = await connectTestRedis();
        if ('client' in redis) {
          await removeKeys(redis.client, `${schema}:`);
          redis.client.disconnect();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function call(memos: Memos, method: 'POST' | 'DELETE', url: string, payload?: object): Promise<any> {
  const response = await memos.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.body === '' ? undefined : response.json();
}

/** SUBJECT memories and SUBJECT episodes of `userId`, embedded; their ids. */
async function seedUser(memos: Memos, userId: string, count: number, salt: string): Promise<string[][]> {
  const memories: string[] = [];
  const episodes: string[] = [];
  for (let at = 0; at < count; at += BATCH) {
    const n = Math.min(BATCH, count - at);
    const m = await call(memos, 'POST', '/api/v1/memories', { namespace: NS, userId, memories: Array.from({ length: n }, (_, i) => ({ content: `${userId} fact ${salt} ${at + i} about topic ${(at + i) % 97}` })) });
    const e = await call(memos, 'POST', '/api/v1/episodes', { namespace: NS, userId, episodes: Array.from({ length: n }, (_, i) => ({ kind: 'observation', content: `${userId} saw ${salt} ${at + i} near place ${(at + i) % 89}` })) });
    memories.push(...m.ids);
    episodes.push(...e.ids);
  }
  while ((await memos.services.backfill.runOnce()) > 0);
  return [memories, episodes];
}

async function variant(server: boolean): Promise<void> {
  const { memos, remove } = await start(server);
  try {
    for (let user = 0; user < 50; user++) await seedUser(memos, `other${user}`, Math.ceil(CORPUS / 100), 'bg');
    const erase: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Baseline: the same records deleted one request at a time.
      const [memories, episodes] = await seedUser(memos, `base${round}`, SUBJECT, `r${round}`);
      let started = performance.now();
      for (const id of memories!) await call(memos, 'DELETE', `/api/v1/memories/${id}?namespace=${NS}`);
      for (const id of episodes!) await call(memos, 'DELETE', `/api/v1/episodes/${id}?namespace=${NS}`);
      baseline.push(performance.now() - started);
      // Verified erasure of a user holding as much.
      await seedUser(memos, `subject${round}`, SUBJECT, `r${round}`);
      started = performance.now();
      const receipt = await call(memos, 'DELETE', `/api/v1/users/subject${round}?namespace=${NS}`);
      erase.push(performance.now() - started);
      if (!receipt.ok || receipt.removed.memories !== SUBJECT || receipt.removed.episodes !== SUBJECT) throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
    }
    const line = (name: string, samples: number[]) => {
      const s = summarize(samples);
      return `  ${name.padEnd(44)} median ${fmt(s.p50)} ms   p95 ${fmt(s.p95)} ms   (${fmt((2 * SUBJECT * 1000) / s.p50)} records/s)`;
    };
    console.log(`${server ? 'server (PostgreSQL + Redis)' : 'embedded (SQLite)'}: ${2 * SUBJECT} records of one user, ${CORPUS} of 50 others, ${ROUNDS} rounds, vectors ${MODEL === undefined ? 'off' : 'on'}`);
    console.log(line('verified erasure (DELETE /users/{userId})', erase));
    console.log(line('baseline: one DELETE per record', baseline));
  } finally {
    await remove();
  }
}

await variant(false);
if (process.env.BENCH_SERVER !== '0') await variant(true);
