// Server mode with Redis killed mid-load: durable writes go on and none is lost, sessions answer
// 503 with Retry-After, health says degraded, and everything recovers when Redis returns.
import { afterAll, describe, expect, it } from 'vitest';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../support/redis-server.js';
import { listenForCalls } from '../support/http-call.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { until } from '../support/until.js';

const missing = redisServerMissing();
if (missing !== '' && process.env.MEMOS_REQUIRE_SERVICES === '1') throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${missing}`);

const WRITERS = 6;

interface SessionOutcome {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  code?: string;
  promoted: string[];
  /** When the answer arrived (performance.now()). */
  at: number;
}

let redis: OwnRedis | undefined;
let memos: TestMemos | undefined;
afterAll(async () => {
  await memos?.close();
  await redis?.dispose();
});

describe.skipIf(missing !== '')(`Redis faults in server mode${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('keeps every acknowledged durable write, answers sessions 503 with Retry-After while Redis is down, and recovers by itself', async () => {
    redis = await ownRedis();
    await redis.start();
    memos = await startTestMemos({ MEMOS_REDIS_URL: redis.url, MEMOS_SESSION_WINDOW: '3' }, undefined, createHashProvider({ dimensions: 64 }));
    const call = await listenForCalls(memos);
    const redisHealth = async () => {
      const { body } = await call('GET', '/health/detailed');
      return (body.components as Record<string, { status: string; detail: string; latencyMs: number }>).redis!;
    };
    expect((await redisHealth()).status).toBe('healthy');

    // The load: each writer appends to its own session, and writes an episode and a memory, in a loop.
    const episodes: string[] = [];
    const memories: string[] = [];
    const sessions: SessionOutcome[] = [];
    let durableWhileDown = 0;
    let down = false;
    let running = true;
    let sequence = 0;
    const writer = async (w: number) => {
      while (running) {
        const n = sequence++;
        const append = await call('POST', `/api/v1/sessions/writer-${w}/messages`, { messages: [{ role: 'user', content: `turn ${n} of writer ${w}` }] });
        sessions.push({
          status: append.response.status,
          retryAfter: append.response.headers.get('retry-after'),
          contentType: append.response.headers.get('content-type'),
          ...(typeof append.body.code === 'string' ? { code: append.body.code } : {}),
          promoted: (append.body.promotedEpisodeIds as string[] | undefined) ?? [],
          at: performance.now(),
        });
        const episode = await call('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation', content: `observation ${n} by writer ${w}`, sessionId: `writer-${w}` }] });
        expect(episode.response.status).toBe(201);
        episodes.push(...(episode.body.ids as string[]));
        const memory = await call('POST', '/api/v1/memories', { memories: [{ content: `fact number ${n} from writer ${w}`, kind: 'fact' }] });
        expect(memory.response.status).toBeLessThan(300);
        memories.push(...(memory.body.results as { id: string }[]).map((result) => result.id));
        if (down) durableWhileDown += 1;
      }
    };
    const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    const t0 = performance.now();
    await until(() => sessions.filter((s) => s.status < 300).length >= 60);
    const killedAt = performance.now();
    down = true;
    await redis.kill('SIGKILL');

    // While Redis is down: sessions answer 503 problem+json with Retry-After; health is degraded, readiness is not affected.
    await until(() => sessions.some((s) => s.at > killedAt && s.status === 503));
    await until(async () => (await redisHealth()).status === 'degraded');
    const degraded = await redisHealth();
    expect(degraded.detail).toMatch(/caches bypassed/);
    expect(degraded.latencyMs).toBeGreaterThanOrEqual(0);
    const overall = await call('GET', '/health');
    expect([overall.response.status, overall.body.status]).toEqual([200, 'degraded']);
    expect((await call('GET', '/health/ready')).response.status).toBe(200);
    const context = await call('POST', '/api/v1/context', { sessionId: 'writer-0', query: 'fact' });
    expect([context.response.status, context.body.code, context.response.headers.get('retry-after')]).toEqual([503, 'E_STORAGE_UNAVAILABLE', '2']);
    expect((await call('POST', '/api/v1/search', { query: 'fact number' })).response.status).toBe(200); // the response cache is bypassed
    const detectedAt = performance.now();
    await until(() => durableWhileDown >= 2 * WRITERS);

    const restartedAt = performance.now();
    await redis.start();
    down = false;
    await until(() => sessions.some((s) => s.at > restartedAt && s.status < 300), 10_000);
    const sessionsBackAt = performance.now();
    await until(async () => (await call('GET', '/health')).body.status === 'healthy', 10_000);
    expect((await redisHealth()).status).toBe('healthy');
    const healthyAt = performance.now();
    running = false;
    await load;

    const failed = sessions.filter((s) => s.status >= 300);
    expect(failed.length).toBeGreaterThan(0);
    for (const outcome of failed) {
      expect(outcome).toMatchObject({ status: 503, code: 'E_STORAGE_UNAVAILABLE', retryAfter: '2' });
      expect(outcome.contentType).toMatch(/^application\/problem\+json/);
    }

    // Every acknowledged durable write is readable: episodes, memories, and the episodes that
    // session writes answered before the kill had promoted (delivered before the answer).
    const promotedBeforeKill = sessions.filter((s) => s.at < killedAt).flatMap((s) => s.promoted);
    expect(promotedBeforeKill.length).toBeGreaterThan(0);
    for (const id of [...episodes, ...promotedBeforeKill]) expect((await call('GET', `/api/v1/episodes/${id}`)).response.status, id).toBe(200);
    for (const id of new Set(memories)) expect((await call('GET', `/api/v1/memories/${id}`)).response.status, id).toBe(200);
    expect(durableWhileDown).toBeGreaterThanOrEqual(2 * WRITERS);

    const ms = (from: number, to: number) => Math.round(to - from);
    console.info(
      `redis faults: ${episodes.length} episodes, ${new Set(memories).size} memories, ${sessions.length} session writes (${failed.length} answered 503); ` +
        `load before kill ${ms(t0, killedAt)} ms, 503 and degraded seen ${ms(killedAt, detectedAt)} ms after the kill, ` +
        `sessions back ${ms(restartedAt, sessionsBackAt)} ms and healthy ${ms(restartedAt, healthyAt)} ms after the restart`,
    );
  }, 30_000);
});
