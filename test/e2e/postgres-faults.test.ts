// Full server mode with PostgreSQL stopped mid-load (as by a crash) and started again: writes answer
// 503 with Retry-After while it is down, readiness goes 503, no batch is half-written, every
// acknowledged write is there afterwards, memOS recovers by itself, and the log holds one full
// line for the outage's failures rather than one per failed request.
import { afterAll, describe, expect, it } from 'vitest';
import { connectTestRedis, removeIssuedKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { ownPostgres, postgresServerMissing, type OwnPostgres } from '../support/postgres-server.js';
import { listenForCalls, type HttpCall } from '../support/http-call.js';
import { logSink } from '../support/log-sink.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { until } from '../support/until.js';

const redis = await connectTestRedis();
const missing = [postgresServerMissing(), 'reason' in redis ? redis.reason : ''].filter(Boolean).join('; ');
if (missing !== '' && process.env.MEMOS_REQUIRE_SERVICES === '1') throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${missing}`);

const WRITERS = 4;
const EPISODES_PER_BATCH = 4;
const MEMORIES_PER_BATCH = 3;

interface Batch {
  tier: 'episodes' | 'memories';
  namespace: string;
  tag: string;
  size: number;
  status: number;
  code?: string;
  /** The problem's detail, for a failure message. */
  detail?: string;
  retryAfter: string | null;
  contentType: string | null;
  /** When the answer arrived (performance.now()). */
  at: number;
}

let postgres: OwnPostgres | undefined;
let memos: TestMemos | undefined;
afterAll(async () => {
  await memos?.close();
  await postgres?.dispose();
  if ('client' in redis) {
    await removeIssuedKeys(redis.client);
    redis.client.disconnect();
  }
});

describe.skipIf(missing !== '')(`PostgreSQL faults in server mode${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('answers writes 503 while PostgreSQL is down, half-writes no batch, keeps every acknowledged write, recovers by itself, and collapses the repeated error logs', async () => {
    postgres = await ownPostgres();
    await postgres.start();
    // No embedder: batches are counted by their content, and near-duplicate merging by vector
    // would fold one batch's memory into another's.
    const logs = logSink();
    memos = await startTestMemos(
      { MEMOS_DATABASE_URL: postgres.url, MEMOS_DATABASE_POOL_SIZE: '4', MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: testPrefix(), MEMOS_LOG_LEVEL: 'info' },
      undefined,
      undefined,
      logs.stream,
    );
    const call = await listenForCalls(memos);
    const storageHealth = async () => {
      const { body } = await call('GET', '/health/detailed');
      return (body.components as Record<string, { status: string; detail: string }>).storage!;
    };
    expect((await call('GET', '/health/ready')).response.status).toBe(200);

    // The load: each writer posts batches of episodes and of memories into its own namespace, in a loop.
    const batches: Batch[] = [];
    let running = true;
    let sequence = 0;
    const post = async (tier: Batch['tier'], namespace: string, size: number) => {
      const tag = `b${sequence++}`;
      const items = Array.from({ length: size }, (_, i) =>
        tier === 'episodes' ? { kind: 'observation', content: `batch ${tag} item ${i}` } : { content: `batch ${tag} fact ${i}`, kind: 'fact' },
      );
      const { response, body } = await call('POST', `/api/v1/${tier}`, { namespace, [tier]: items });
      batches.push({
        tier,
        namespace,
        tag,
        size,
        status: response.status,
        ...(typeof body.code === 'string' ? { code: body.code } : {}),
        ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
        retryAfter: response.headers.get('retry-after'),
        contentType: response.headers.get('content-type'),
        at: performance.now(),
      });
    };
    const writer = async (w: number) => {
      while (running) {
        await post('episodes', `writer-${w}`, EPISODES_PER_BATCH);
        await post('memories', `writer-${w}`, MEMORIES_PER_BATCH);
      }
    };
    const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const acknowledged = () => batches.filter((batch) => batch.status < 300);

    const t0 = performance.now();
    await until(() => acknowledged().length >= 40);
    const stoppedAt = performance.now();
    await postgres.stop('immediate');

    // While PostgreSQL is down: writes and reads answer 503 problem+json with Retry-After; readiness is 503.
    await until(() => batches.filter((batch) => batch.at > stoppedAt && batch.status === 503).length >= 2 * WRITERS);
    const down = await call('GET', '/health/ready');
    expect(down.response.status).toBe(503);
    expect((await storageHealth()).status).toBe('unhealthy');
    const read = await call('GET', '/api/v1/episodes?namespace=writer-0&limit=1');
    expect([read.response.status, read.body.code, read.response.headers.get('retry-after')]).toEqual([503, 'E_STORAGE_UNAVAILABLE', '2']);
    const detectedAt = performance.now();

    const restartedAt = performance.now();
    await postgres.start();
    await until(() => batches.some((batch) => batch.at > restartedAt && batch.status < 300), 15_000);
    const writesBackAt = performance.now();
    await until(async () => (await call('GET', '/health/ready')).response.status === 200, 10_000);
    expect((await storageHealth()).status).toBe('healthy');
    const readyAt = performance.now();
    await until(() => acknowledged().filter((batch) => batch.at > restartedAt).length >= 4 * WRITERS);
    running = false;
    await load;

    const failed = batches.filter((batch) => batch.status >= 300);
    expect(failed.length).toBeGreaterThan(0);
    for (const batch of failed) {
      expect({ status: batch.status, code: batch.code, retryAfter: batch.retryAfter }, `${batch.tier} ${batch.tag}: ${batch.detail}`).toEqual({ status: 503, code: 'E_STORAGE_UNAVAILABLE', retryAfter: '2' });
      expect(batch.contentType).toMatch(/^application\/problem\+json/);
    }

    // Every batch is stored whole or not at all, and every acknowledged one whole. A batch that
    // failed may still be whole: PostgreSQL can commit and stop before the answer reaches memOS.
    const stored = new Map<string, number>();
    for (let w = 0; w < WRITERS; w++) {
      for (const tier of ['episodes', 'memories'] as const) {
        for (const content of await listAll(call, tier, `writer-${w}`)) {
          const tag = `${tier}:${/^batch (b\d+) /.exec(content)![1]}`;
          stored.set(tag, (stored.get(tag) ?? 0) + 1);
        }
      }
    }
    for (const batch of batches) {
      const count = stored.get(`${batch.tier}:${batch.tag}`) ?? 0;
      if (batch.status < 300) expect(count, `${batch.tier} ${batch.tag} was acknowledged`).toBe(batch.size);
      else expect([0, batch.size], `${batch.tier} ${batch.tag} answered ${batch.status}`).toContain(count);
    }
    const failedButStored = failed.filter((batch) => stored.has(`${batch.tier}:${batch.tag}`)).length;

    // One full error line for the whole outage, then a count per 10 s: every 503 is accounted for.
    await memos.close(); // writes the pending counts
    memos = undefined;
    const errorLines = logs.lines.filter((line) => line.msg === 'request failed');
    const full = errorLines.filter((line) => line.repeated === undefined);
    const repeated = errorLines.reduce((total, line) => total + ((line.repeated as number | undefined) ?? 0), 0);
    expect(errorLines.every((line) => line.code === 'E_STORAGE_UNAVAILABLE')).toBe(true);
    expect(full).toHaveLength(1);
    expect(full.length + repeated).toBe(failed.length + 1); // the batches and the one read

    const ms = (from: number, to: number) => Math.round(to - from);
    console.info(
      `postgres faults: ${batches.length} batches (${acknowledged().length} acknowledged, ${failed.length} answered 503, ${failedButStored} of those committed anyway), ` +
        `${errorLines.length} 'request failed' log lines for them; ` +
        `load before the stop ${ms(t0, stoppedAt)} ms, 503s and unready seen ${ms(stoppedAt, detectedAt)} ms after the stop, ` +
        `writes back ${ms(restartedAt, writesBackAt)} ms and ready ${ms(restartedAt, readyAt)} ms after the restart`,
    );
  }, 60_000);
});

/** The content of every record of `tier` in `namespace`, page by page. */
async function listAll(
  call: HttpCall,
  tier: 'episodes' | 'memories',
  namespace: string,
): Promise<string[]> {
  const contents: string[] = [];
  let cursor: string | undefined;
  do {
    const { response, body } = await call('GET', `/api/v1/${tier}?namespace=${namespace}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    contents.push(...(body.items as { content: string }[]).map((item) => item.content));
    cursor = body.nextCursor as string | undefined;
  } while (cursor !== undefined);
  return contents;
}
