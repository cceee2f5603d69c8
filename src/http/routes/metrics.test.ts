import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, testBackends, type TestMemos } from '../../../test/support/test-memos.js';
import { createHashProvider } from '../../embeddings/fake/index.js';

let memos: TestMemos;
afterEach(async () => memos?.close());

const scrape = async () => {
  const response = await memos.request({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body;
};
/** The sample lines of one family (`name`, `name{...}`), without HELP and TYPE. */
const samples = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
/** The value of the one sample of `name` whose labels include every `labels` pair. */
const value = (text: string, name: string, labels: Record<string, string>) => {
  const line = samples(text, name).find((sample) => Object.entries(labels).every(([key, label]) => sample.includes(`${key}="${label}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

async function traffic() {
  await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'Alice is allergic to peanuts' }, { content: 'Bob likes window seats' }] });
  await memos.json('POST', '/api/v1/search', { query: 'peanut allergy' });
  await memos.json('POST', '/api/v1/search', { query: 'peanut allergy' });
  await memos.json('POST', '/api/v1/sessions/s1/messages', { messages: [{ role: 'user', content: 'hello' }] });
  await memos.json('GET', '/health/detailed');
}

describe('GET /metrics', () => {
  it('exposes every metric family after some traffic', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider());
    await traffic();
    const text = await scrape();
    for (const family of [
      'memos_http_requests_total',
      'memos_http_request_duration_seconds_bucket',
      'memos_cache_hits_total',
      'memos_cache_misses_total',
      'memos_cache_evictions_total',
      'memos_cache_entries',
      'memos_store_operation_duration_seconds_bucket',
      'memos_embedding_requests_total',
      'memos_embedding_request_duration_seconds_bucket',
      'memos_embedding_texts_total',
      'memos_embedding_circuit_state',
      'memos_embeddings_pending',
      'memos_records',
      'memos_component_health',
      'memos_ready',
      'memos_data_dir_free_bytes',
      'memos_build_info',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(samples(text, family), family).not.toHaveLength(0);
    }
    expect(text).toContain('# TYPE memos_store_errors_total counter');
  });

  it('labels requests by route template and keeps series bounded however many ids and paths are asked', async () => {
    memos = await startTestMemos();
    const ask = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await memos.json('GET', `/api/v1/memories/mem_${i}`);
        await memos.json('GET', `/no/such/path/${i}`);
      }
    };
    await ask(3);
    await scrape(); // so that the scrape's own series exists from now on
    const before = samples(await scrape(), 'memos_http_requests_total').length;
    await ask(40);
    const text = await scrape();
    expect(samples(text, 'memos_http_requests_total')).toHaveLength(before);
    expect(value(text, 'memos_http_requests_total', { route: '/api/v1/memories/:id', method: 'GET', status: '404' })).toBe(43);
    expect(value(text, 'memos_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(43);
    expect(text).not.toMatch(/mem_\d|no\/such/);
  });

  it('moves store, cache, embedding and record metrics with traffic', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider());
    await traffic();
    const text = await scrape();
    const backend = testBackends.storage;
    expect(value(text, 'memos_store_operation_duration_seconds_count', { tier: 'semantic', operation: 'upsert', backend })).toBe(1);
    // Embedded SQLite writes a new memory's vector with its row (no vector put); both backends search by vector.
    expect(value(text, 'memos_store_operation_duration_seconds_count', { tier: 'vector', operation: 'search', backend })).toBeGreaterThan(0);
    expect(value(text, 'memos_store_operation_duration_seconds_count', { tier: 'short_term', operation: 'append', backend: testBackends.sessions })).toBe(1);
    expect(value(text, 'memos_embedding_requests_total', { provider: 'fake', outcome: 'ok' })).toBeGreaterThan(0);
    expect(value(text, 'memos_embedding_texts_total', { provider: 'fake' })).toBe(3);
    // The second identical search is answered from the response cache.
    expect(value(text, 'memos_cache_hits_total', { cache: 'responses' })).toBe(1);
    expect(value(text, 'memos_cache_misses_total', { cache: 'embeddings' })).toBe(3);
    expect(value(text, 'memos_cache_entries', { cache: 'embeddings' })).toBe(3);
    expect(value(text, 'memos_records', { tier: 'semantic' })).toBe(2);
    expect(value(text, 'memos_records', { tier: 'short_term' })).toBe(1);
    expect(value(text, 'memos_component_health', { component: 'storage' })).toBe(1);
    expect(value(text, 'memos_ready', {})).toBe(1);
    expect(value(text, 'memos_embedding_circuit_state', { provider: 'fake' })).toBe(0);
    expect(value(text, 'memos_embeddings_pending', {})).toBe(0);
  });

  it('reports the in-process vector index within its cap: bytes, partitions and evicted partitions (embedded mode; pgvector has none)', async () => {
    // 1024 dimensions: a partition's first 64 rows take 256 KiB, so five namespaces overflow a 1 MiB cap.
    memos = await startTestMemos({ MEMOS_VECTOR_INDEX_MAX_BYTES: String(1024 * 1024) }, undefined, createHashProvider({ dimensions: 1024 }));
    for (const namespace of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      expect((await memos.json('POST', '/api/v1/memories', { namespace, memories: [{ content: `a fact kept in ${namespace}` }] })).status).toBe(201);
      const search = await memos.json('POST', '/api/v1/search', { namespace, query: 'fact kept', mode: 'vector' });
      expect(search.body.hits).toHaveLength(1);
    }
    const text = await scrape();
    if (testBackends.storage !== 'sqlite') {
      expect(samples(text, 'memos_vector_index_bytes')).toHaveLength(0);
      return;
    }
    expect(value(text, 'memos_vector_index_max_bytes', {})).toBe(1024 * 1024);
    expect(value(text, 'memos_vector_index_bytes', {})).toBeGreaterThan(0);
    expect(value(text, 'memos_vector_index_bytes', {})).toBeLessThanOrEqual(1024 * 1024);
    expect(value(text, 'memos_vector_index_partitions', {})).toBeGreaterThan(0);
    expect(value(text, 'memos_vector_index_evictions_total', {})).toBeGreaterThan(0);
  });

  it('is not served when metrics are turned off', async () => {
    memos = await startTestMemos({ MEMOS_METRICS_ENABLED: 'false' });
    expect((await memos.request({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
