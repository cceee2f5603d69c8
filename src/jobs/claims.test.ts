// Claims give each batch of background work one owner: in process (embedded mode) and through
// leases in PostgreSQL shared by replicas (server mode), and two memOS replicas on one schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.js';
import type { BatchClaims, Storage } from '../core/ports.js';
import type { Episode, PendingEmbedding } from '../core/types.js';
import { startFakeOpenAiServer } from '../embeddings/fake/index.js';
import { createPgClaims, PgEpisodeStore, PgVectorStore } from '../storage/postgres/index.js';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, realPostgres, servicesRequired } from '../storage/postgres/test-databases.js';
import { createSqliteStorage } from '../storage/sqlite/index.js';
import { ulidGenerator } from '../core/ids.js';
import { connectTestRedis, removeKeys, TEST_REDIS_URL, testPrefix } from '../storage/redis/test-redis.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { createInProcessClaims } from './index.js';

const MODEL = { model: 'm', dimensions: 4 };
const LEASE_MS = 60_000;

interface ClaimsHarness {
  /** Two owners of claims on one store, as two replicas (or two rounds of one process) have. */
  owners: [BatchClaims, BatchClaims];
  clock: ReturnType<typeof manualClock>;
  /** Writes `count` pending episodes, one a minute apart; returns their ids, oldest first. */
  pending(count: number): Promise<string[]>;
  close(): Promise<void>;
}

const ids = (records: PendingEmbedding[]) => records.map((r) => r.id);
const claim = (owner: BatchClaims, limit: number) => owner.claimEmbeddings({ ...MODEL, limit, leaseMs: LEASE_MS });

function runClaimsContract(name: string, create: () => Promise<ClaimsHarness>): void {
  describe(`batch claims: ${name}`, () => {
    it('gives overlapping claims disjoint batches, oldest first, and a record back once released', async () => {
      const h = await create();
      try {
        const all = await h.pending(5);
        const [first, second] = await Promise.all([claim(h.owners[0], 2), claim(h.owners[1], 2)]);
        expect([...ids(first), ...ids(second)].sort()).toEqual(all.slice(0, 4));
        expect(ids(await claim(h.owners[0], 10))).toEqual([all[4]]);
        expect(await claim(h.owners[1], 10)).toEqual([]);
        await h.owners[0].release(first);
        expect(ids(await claim(h.owners[1], 10)).sort()).toEqual(ids(first).sort());
      } finally {
        await h.close();
      }
    });

    it("gives a dead owner's records to another once its lease runs out", async () => {
      const h = await create();
      try {
        const all = await h.pending(3);
        expect(ids(await claim(h.owners[0], 3))).toEqual(all);
        h.clock.advance(LEASE_MS - 1);
        expect(await claim(h.owners[1], 3)).toEqual([]);
        h.clock.advance(1);
        expect(ids(await claim(h.owners[1], 3))).toEqual(all);
      } finally {
        await h.close();
      }
    });

    it('never releases the records another owner holds', async () => {
      const h = await create();
      try {
        await h.pending(2);
        const mine = await claim(h.owners[0], 2);
        await h.owners[1].release(mine);
        // In process, both owners are one process: a release there is that process's own.
        if (name === 'postgres') expect(await claim(h.owners[1], 2)).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}

const episode = (id: string, at: number): Episode => ({
  id, namespace: 'ns1', kind: 'observation', content: `episode ${id}`, occurredAt: new Date(at).toISOString(), createdAt: new Date(at).toISOString(),
  metadata: {}, embedding: { status: 'pending' },
});

runClaimsContract('in-process', async () => {
  const clock = manualClock();
  const dir = mkdtempSync(join(tmpdir(), 'memos-claims-'));
  const storage: Storage = createSqliteStorage({ path: join(dir, 'memos.db'), clock, ids: ulidGenerator(clock) });
  await storage.init();
  const claims = createInProcessClaims({ vectors: storage.vectors, clock });
  return {
    owners: [claims, claims],
    clock,
    async pending(count) {
      const made = Array.from({ length: count }, (_, i) => episode(`ep_${i}`, clock.now() + i * 60_000));
      await storage.episodes.append(made);
      return made.map((e) => e.id);
    },
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const reachable = await postgresReachable();
describe.runIf(servicesRequired && !reachable)('postgres claims (server required)', () => {
  it('reaches PostgreSQL', () => {
    throw new Error('MEMOS_REQUIRE_SERVICES=1 but PostgreSQL is not reachable');
  });
});

if (reachable) {
  runClaimsContract('postgres', async () => {
    const t = await realPostgres();
    const owners: [BatchClaims, BatchClaims] = [createPgClaims(t.db, t.clock, 'replica-a'), createPgClaims(t.db, t.clock, 'replica-b')];
    return {
      owners,
      clock: t.clock,
      async pending(count) {
        const made = Array.from({ length: count }, (_, i) => episode(`ep_${i}`, t.clock.now() + i * 60_000));
        await new PgEpisodeStore(t.db).append(made);
        return made.map((e) => e.id);
      },
      close: () => t.close(),
    };
  });

  describe('postgres claims and the vector store', () => {
    it('claims only what is pending for the model, skipping failed records, and leaves the record as readers see it', async () => {
      const t = await realPostgres();
      try {
        const store = new PgEpisodeStore(t.db);
        const vectors = new PgVectorStore(t.db, t.clock);
        await store.append([episode('ep_done', t.clock.now()), episode('ep_bad', t.clock.now() + 1), episode('ep_todo', t.clock.now() + 2)]);
        await vectors.put([{ tier: 'episodes', namespace: 'ns1', id: 'ep_done', content: 'episode ep_done', model: 'm', vector: Float32Array.of(1, 0, 0, 0) }]);
        const refusal = { tier: 'episodes' as const, namespace: 'ns1', id: 'ep_bad', content: 'episode ep_bad', ...MODEL, error: 'refused' };
        await vectors.fail([refusal], { failAfter: 1 });
        const owner = createPgClaims(t.db, t.clock, 'replica-a');
        expect(ids(await claim(owner, 10))).toEqual(['ep_todo']);
        expect((await store.get({ namespace: 'ns1', id: 'ep_todo' }))?.embedding).toEqual({ status: 'pending' });
      } finally {
        await t.close();
      }
    });
  });
}

const redis = await connectTestRedis();
const haveServers = reachable && 'client' in redis;
if ('client' in redis) redis.client.disconnect();

describe.skipIf(!haveServers)('two memOS replicas on one PostgreSQL schema', () => {
  it('embed each pending record once between them', async () => {
    const schema = freshSchema();
    const prefixes = [testPrefix(), testPrefix()];
    const upstream = await startFakeOpenAiServer({ dimensions: 8 });
    const dir = mkdtempSync(join(tmpdir(), 'memos-replicas-'));
    const configFile = join(dir, 'memos.config.json');
    writeFileSync(configFile, JSON.stringify({ indexing: { backfillBatch: 4 } }));
    const replicas: TestMemos[] = [];
    const shared = {
      MEMOS_CONFIG: configFile,
      MEMOS_DATABASE_URL: POSTGRES_URL,
      MEMOS_DATABASE_SCHEMA: schema,
      MEMOS_DATABASE_POOL_SIZE: '4',
      MEMOS_REDIS_URL: TEST_REDIS_URL,
    };
    try {
      // The backlog is written while no embedder is configured.
      const writer = await startTestMemos({ ...shared, MEMOS_REDIS_KEY_PREFIX: prefixes[0]!, MEMOS_EMBEDDER: 'none' });
      const texts = Array.from({ length: 24 }, (_, i) => `episode number ${i} of the shared backlog`);
      const written = await writer.json('POST', '/api/v1/episodes', { episodes: texts.map((content) => ({ kind: 'observation', content })) });
      await writer.close();
      expect(written.status).toBe(201);

      // Each replica has a Redis prefix (so a cache) of its own: only the claims keep them apart.
      for (const prefix of prefixes) {
        replicas.push(await startTestMemos({ ...shared, MEMOS_REDIS_KEY_PREFIX: prefix, MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: 'up' }));
      }
      const [a, b] = replicas as [TestMemos, TestMemos];
      const before = upstream.requests.length;
      // Slow answers, so that the replicas' rounds overlap.
      upstream.fail(...Array.from({ length: 40 }, () => ({ kind: 'delay' as const, ms: 30 })));

      // Both backfills run rounds at once until neither finds anything left.
      const drain = async (m: TestMemos) => {
        let stored = 0;
        for (let round = 0; round < 20; round++) {
          const now = await m.services.backfill.runOnce();
          stored += now;
          if (now === 0 && (await m.services.backfill.status()).progress?.pending === 0) break;
        }
        return stored;
      };
      const [byA, byB] = await Promise.all([drain(a), drain(b)]);
      expect(byA + byB).toBe(texts.length);
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
      const sent = upstream.requests.slice(before).flatMap((request) => request.input).filter((text) => texts.includes(text));
      expect(sent.sort()).toEqual([...texts].sort());
      expect((await b.json('GET', '/api/v1/admin/reindex')).body.progress).toMatchObject({ ready: 24, pending: 0, failed: 0 });
    } finally {
      for (const replica of replicas) await replica.close();
      await upstream.close();
      await dropSchema(schema);
      const cleanup = await connectTestRedis();
      if ('client' in cleanup) {
        for (const prefix of prefixes) await removeKeys(cleanup.client, prefix);
        cleanup.client.disconnect();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
