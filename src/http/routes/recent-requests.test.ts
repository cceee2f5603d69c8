import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { createRecentRequests, RECENT_INTERVAL_SECONDS, RECENT_WINDOW_SECONDS } from '../../observability/recent-requests.js';

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

interface Bucket {
  start: string;
  requests: number;
  errors: number;
  clientErrors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}
const recent = async (server: TestMemos) => {
  const response = await server.json('GET', '/metrics/recent');
  expect(response.status).toBe(200);
  return response.body as { intervalSeconds: number; windowSeconds: number; since: string; buckets: Bucket[] };
};
const total = (buckets: Bucket[], field: 'requests' | 'errors' | 'clientErrors') => buckets.reduce((sum, bucket) => sum + bucket[field], 0);

describe('GET /metrics/recent', () => {
  it('counts the requests of the last minutes, with 4xx apart, oldest first and zero-filled', async () => {
    memos = await startTestMemos();
    const before = await recent(memos);
    expect(before.intervalSeconds).toBe(RECENT_INTERVAL_SECONDS);
    expect(before.windowSeconds).toBe(RECENT_WINDOW_SECONDS);
    expect(before.buckets).toHaveLength(RECENT_WINDOW_SECONDS / RECENT_INTERVAL_SECONDS);
    const starts = before.buckets.map((bucket) => Date.parse(bucket.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts[1]! - starts[0]!).toBe(RECENT_INTERVAL_SECONDS * 1000);
    const counted = total(before.buckets, 'requests');

    for (let i = 0; i < 5; i++) expect((await memos.json('POST', '/api/v1/memories', { memories: [{ content: `Ana note ${i}` }] })).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await memos.json('GET', `/api/v1/memories/mem_missing${i}`)).status).toBe(404);
    const after = await recent(memos);
    expect(total(after.buckets, 'requests') - counted).toBe(8);
    expect(total(after.buckets, 'clientErrors')).toBe(3);
    expect(total(after.buckets, 'errors')).toBe(0);
    const busy = after.buckets.filter((bucket) => bucket.requests > 0);
    for (const bucket of busy) {
      expect(bucket.maxMs).toBeGreaterThan(0);
      expect(bucket.p50Ms).toBeLessThanOrEqual(bucket.p95Ms);
      expect(bucket.p95Ms).toBeLessThanOrEqual(bucket.maxMs);
    }
    for (const bucket of after.buckets.filter((b) => b.requests === 0)) expect(bucket).toMatchObject({ errors: 0, clientErrors: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 });
    expect(Date.parse(after.since)).toBeLessThanOrEqual(Date.now());
  });

  it('leaves out scrapes, its own polling and the UI', async () => {
    memos = await startTestMemos();
    const counted = total((await recent(memos)).buckets, 'requests');
    for (let i = 0; i < 4; i++) {
      await memos.request({ method: 'GET', url: '/metrics' });
      await memos.request({ method: 'GET', url: '/metrics/recent' });
      await memos.request({ method: 'GET', url: '/ui/operations' });
    }
    expect(total((await recent(memos)).buckets, 'requests')).toBe(counted);
  });

  it('answers with Prometheus metrics off, while /metrics is 404', async () => {
    memos = await startTestMemos({ MEMOS_METRICS_ENABLED: 'false' });
    expect((await memos.json('GET', '/metrics')).status).toBe(404);
    await memos.json('GET', '/health');
    expect(total((await recent(memos)).buckets, 'requests')).toBeGreaterThanOrEqual(2);
  });
});

describe('the recent-requests ring', () => {
  it('keeps percentiles of a fixed histogram, counts 5xx, and forgets intervals older than the window', () => {
    let now = Date.parse('2026-03-14T09:00:00.000Z');
    const ring = createRecentRequests(() => now);
    for (let i = 0; i < 90; i++) ring.record(200, 1.5);
    for (let i = 0; i < 9; i++) ring.record(200, 40);
    ring.record(503, 900);
    let last = ring.report().buckets.at(-1)!;
    expect(last).toMatchObject({ start: '2026-03-14T09:00:00.000Z', requests: 100, errors: 1, clientErrors: 0, p50Ms: 2, p95Ms: 50, maxMs: 900 });

    // A lone request reads its own time, not its histogram bucket's bound.
    now += RECENT_INTERVAL_SECONDS * 1000;
    ring.record(200, 3.2);
    last = ring.report().buckets.at(-1)!;
    expect(last).toMatchObject({ requests: 1, p50Ms: 3.2, p95Ms: 3.2, maxMs: 3.2 });

    // A million requests later memory is the same ring: 90 buckets, and the first interval has left the window.
    for (let i = 0; i < 1_000_000; i++) ring.record(200, i % 7);
    now += RECENT_WINDOW_SECONDS * 1000 - RECENT_INTERVAL_SECONDS * 1000;
    const report = ring.report();
    expect(report.buckets).toHaveLength(90);
    expect(report.buckets[0]!.requests).toBe(1_000_001);
    expect(report.buckets.some((bucket) => bucket.start === '2026-03-14T09:00:00.000Z')).toBe(false);
    now += RECENT_INTERVAL_SECONDS * 1000;
    expect(total(ring.report().buckets, 'requests')).toBe(0);
  });
});
