// The scale of `score` and `minScore` in each search mode, as the README documents it.
import { afterEach, describe, expect, it } from 'vitest';
import { createHashProvider } from '../../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

interface Hit {
  id: string;
  score: number;
  parts: { keyword: number | null; vector: number | null };
}

const MEMORIES = [
  'Alice is allergic to peanuts and to tree nuts',
  'Alice prefers window seats on long flights',
  'Peanut butter is banned from the office kitchen',
  'Alice booked flights to Lisbon for May',
  'The office kitchen has a new coffee machine',
].map((content) => ({ content }));

async function start(): Promise<TestMemos> {
  memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: 64, model: 'hash-64' }));
  await memos.json('POST', '/api/v1/memories', { memories: MEMORIES });
  await memos.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation', content: 'Alice asked about peanut allergies on flights' }] });
  return memos;
}

async function hitsOf(m: TestMemos, body: object): Promise<Hit[]> {
  const answer = await m.json('POST', '/api/v1/search', { query: 'peanut allergy flights', limit: 20, ...body });
  expect(answer.status).toBe(200);
  return answer.body.hits;
}
const byDescending = (values: number[]) => [...values].sort((a, b) => b - a);

describe('search scores', () => {
  it('in keyword mode are BM25 as a share of the best hit, which scores 1, in BM25 order', async () => {
    const hits = await hitsOf(await start(), { mode: 'keyword' });
    expect(hits.length).toBeGreaterThan(2);
    const bm25 = hits.map((hit) => hit.parts.keyword!);
    expect(bm25).toEqual(byDescending(bm25)); // the raw part keeps the order
    expect(hits[0]!.score).toBe(1);
    for (const hit of hits) expect(hit.score).toBeCloseTo(hit.parts.keyword! / bm25[0]!, 12);
  });

  it('in vector mode are the cosine similarity, in cosine order', async () => {
    const hits = await hitsOf(await start(), { mode: 'vector' });
    expect(hits).toHaveLength(MEMORIES.length + 1);
    for (const hit of hits) expect(hit.score).toBe(Math.max(0, hit.parts.vector!));
    expect(hits.map((hit) => hit.score)).toEqual(byDescending(hits.map((hit) => hit.score)));
  });

  it('in hybrid mode run from 0 to 1, the best hit scoring 1', async () => {
    const hits = await hitsOf(await start(), {});
    expect(hits[0]!.score).toBe(1);
    for (const hit of hits) expect(hit.score).toBeGreaterThanOrEqual(0);
    expect(hits.map((hit) => hit.score)).toEqual(byDescending(hits.map((hit) => hit.score)));
  });

  it('are filtered by minScore on the same 0 to 1 scale in every mode', async () => {
    const m = await start();
    for (const mode of ['keyword', 'vector', 'hybrid']) {
      const all = await hitsOf(m, { mode });
      const kept = await hitsOf(m, { mode, minScore: 0.5 });
      expect(kept.map((hit) => hit.id), mode).toEqual(all.filter((hit) => hit.score >= 0.5).map((hit) => hit.id));
      expect(kept.length, mode).toBeGreaterThan(0);
    }
  });

  it('reject a minScore outside 0 to 1, naming the field', async () => {
    const m = await start();
    for (const minScore of [-0.1, 1.5, 12]) {
      const answer = await m.json('POST', '/api/v1/search', { query: 'peanut', minScore });
      expect(answer.status).toBe(400);
      expect(answer.body.field).toBe('minScore');
    }
  });
});
