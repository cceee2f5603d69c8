import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos;
beforeEach(async () => {
  memos = await startTestMemos();
  await memos.json('POST', '/api/v1/memories', {
    userId: 'alice',
    memories: [
      { content: 'Alice is allergic to peanuts', kind: 'fact', metadata: { source: 'doctor', verified: true } },
      { content: 'Alice prefers window seats on flights', kind: 'preference', metadata: { source: 'chat' } },
    ],
  });
  await memos.json('POST', '/api/v1/memories', { userId: 'bob', memories: [{ content: 'Bob is allergic to cats' }] });
  await memos.json('POST', '/api/v1/episodes', {
    userId: 'alice',
    episodes: [
      { kind: 'message', role: 'user', content: 'I booked flights to Lisbon for May', occurredAt: '2026-03-01T10:00:00Z' },
      { kind: 'observation', content: 'Flights were delayed by a storm', occurredAt: '2026-04-01T10:00:00Z' },
    ],
  });
  await memos.json('POST', '/api/v1/memories', { namespace: 'other', memories: [{ content: 'peanuts everywhere in other namespace' }] });
});
afterEach(async () => memos.close());

const contents = (body: { hits: Array<{ item: { content: string } }> }) => body.hits.map((hit) => hit.item.content);

describe('keyword search over HTTP', () => {
  it('ranks matching memories and episodes by BM25 and reports the keyword part', async () => {
    const result = await memos.json('POST', '/api/v1/search', { query: 'allergic to peanuts', mode: 'keyword' });
    expect(result.status).toBe(200);
    expect(result.body.mode).toBe('keyword');
    expect(contents(result.body)[0]).toBe('Alice is allergic to peanuts');
    expect(contents(result.body)).not.toContain('peanuts everywhere in other namespace');
    const top = result.body.hits[0];
    expect(top.type).toBe('memory');
    expect(top.score).toBe(1); // the best hit; parts.keyword keeps the raw BM25
    expect(top.parts.keyword).toBeGreaterThan(0);
    expect(top.parts.vector).toBeNull();
  });

  it('says so when the requested mode falls back to keywords', async () => {
    const result = await memos.json('POST', '/api/v1/search', { query: 'flights' });
    expect(result.body.requestedMode).toBe('hybrid');
    expect(result.body.mode).toBe('keyword');
    expect(result.body.notices[0]).toMatch(/keyword-only/);
  });

  it('filters by scope, type, kind, time range and metadata', async () => {
    const alice = await memos.json('POST', '/api/v1/search', { query: 'allergic', userId: 'alice' });
    expect(contents(alice.body)).toEqual(['Alice is allergic to peanuts']);

    const episodesOnly = await memos.json('POST', '/api/v1/search', { query: 'flights', types: ['episodes'] });
    expect(episodesOnly.body.hits.every((hit: { type: string }) => hit.type === 'episode')).toBe(true);
    expect(episodesOnly.body.hits).toHaveLength(2);

    const kind = await memos.json('POST', '/api/v1/search', { query: 'flights', filters: { kind: 'preference' } });
    expect(contents(kind.body)).toEqual(['Alice prefers window seats on flights']);

    const range = await memos.json('POST', '/api/v1/search', { query: 'flights', types: ['episodes'], filters: { from: '2026-03-15T00:00:00Z' } });
    expect(contents(range.body)).toEqual(['Flights were delayed by a storm']);

    const meta = await memos.json('POST', '/api/v1/search', { query: 'alice', filters: { metadata: { source: 'doctor', verified: true } } });
    expect(contents(meta.body)).toEqual(['Alice is allergic to peanuts']);
    const wrongType = await memos.json('POST', '/api/v1/search', { query: 'alice', filters: { metadata: { verified: 'true' } } });
    expect(wrongType.body.hits).toEqual([]);
  });

  it('applies limit and minScore', async () => {
    const limited = await memos.json('POST', '/api/v1/search', { query: 'alice flights allergic', limit: 1 });
    expect(limited.body.hits).toHaveLength(1);
    const all = await memos.json('POST', '/api/v1/search', { query: 'alice flights allergic', mode: 'keyword' });
    expect(all.body.hits.length).toBeGreaterThan(1);
    const best = await memos.json('POST', '/api/v1/search', { query: 'alice flights allergic', mode: 'keyword', minScore: 1 });
    expect(best.body.hits).toEqual([all.body.hits[0]]);
  });
});
