import { afterEach, describe, expect, it } from 'vitest';
import { createHashProvider, hashEmbedding } from '../../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';


let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

const write = (m: TestMemos, memories: object[]) => m.json('POST', '/api/v1/memories', { memories });
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, value, i) => sum + value * b[i]!, 0);
const HASH_DIMENSIONS = 256;
const hashCosine = (a: string, b: string) => dot(hashEmbedding(a, HASH_DIMENSIONS), hashEmbedding(b, HASH_DIMENSIONS));

/** Cosine of two texts under the server's own embedder (its vectors are unit length). */
async function modelCosine(m: TestMemos, a: string, b: string): Promise<number> {
  const { body } = await m.json('POST', '/api/v1/embeddings/batch', { texts: [a, b] });
  return dot(body.embeddings[0], body.embeddings[1]);
}

/**
 * Writes `fact`, then `other` on its own and both in one batch (each pair in a scope of its own):
 * `other` must be stored as a memory of its own, and `fact` must still say what it said.
 */
async function expectKeptApart(m: TestMemos, pairs: [string, string][]): Promise<void> {
  for (const [index, [fact, other]] of pairs.entries()) {
    const first = await write(m, [{ content: fact, userId: `apart-${index}` }]);
    const second = await write(m, [{ content: other, userId: `apart-${index}` }]);
    expect({ other, action: second.body.results[0].action }).toEqual({ other, action: 'created' });
    const [factId, otherId] = [first.body.results[0].id, second.body.results[0].id];
    expect(otherId).not.toBe(factId);
    expect((await m.json('GET', `/api/v1/memories/${factId}`)).body).toMatchObject({ content: fact, version: 1 });
    const batch = await write(m, [
      { content: fact, userId: `batch-${index}` },
      { content: other, userId: `batch-${index}` },
    ]);
    expect(batch.body.results.map((r: { action: string }) => r.action)).toEqual(['created', 'created']);
    // Two memories, so deleting one leaves the other.
    expect((await m.json('DELETE', `/api/v1/memories/${otherId}`)).status).toBe(204);
    expect((await m.json('GET', `/api/v1/memories/${factId}`)).body.content).toBe(fact);
  }
}

/** Writes each original, then its restatement: the restatement must merge into it, taking its wording. */
async function expectMerged(m: TestMemos, pairs: [string, string][]): Promise<void> {
  for (const [index, [original, restatement]] of pairs.entries()) {
    const first = await write(m, [{ content: original, userId: `same-${index}`, importance: 0.2 }]);
    const again = await write(m, [{ content: restatement, userId: `same-${index}`, importance: 0.9 }]);
    const id = first.body.results[0].id;
    expect({ restatement, result: again.body.results[0] }).toEqual({ restatement, result: { id, action: 'merged', version: 2 } });
    expect((await m.json('GET', `/api/v1/memories/${id}`)).body).toMatchObject({ content: restatement, importance: 0.9 });
  }
}

describe('near-duplicate merges never change what a memory says (hash embedder)', () => {
  it('stores a near-duplicate that negates, or changes a number, name, date or word order, as its own memory', async () => {
    const threshold = 0.6;
    memos = await startTestMemos({ MEMOS_DUPLICATE_THRESHOLD: String(threshold) }, undefined, createHashProvider({ dimensions: HASH_DIMENSIONS, model: 'hash-a' }));
    const pairs: [string, string][] = [
      ['The user is allergic to peanuts', 'The user is not allergic to peanuts'],
      ['PIN is 1234', 'PIN is 5678'],
      ['the door PIN is 1234 for the office', 'the door PIN is 5678 for the office'],
      ["Alice's manager is Bob", "Alice's manager is Carol"],
      ['Dentist on 3 May', 'Dentist on 4 May'],
      ['Alice taught Bob to ski', 'Bob taught Alice to ski'],
    ];
    // Each pair is a near-duplicate by vector: the threshold alone would merge it.
    for (const [a, b] of pairs) expect(hashCosine(a, b)).toBeGreaterThanOrEqual(threshold);
    await expectKeptApart(memos, pairs);
  });

  it('merges a near-duplicate that states the same thing (a filler, an article, a fronted phrase) into the memory it repeats, only within its scope', async () => {
    memos = await startTestMemos({ MEMOS_DUPLICATE_THRESHOLD: '0.85' }, undefined, createHashProvider({ dimensions: HASH_DIMENSIONS, model: 'hash-a' }));
    await expectMerged(memos, [
      ['Alice likes green tea', 'Alice really likes green tea'],
      ['Ivan plays the cello', 'Ivan plays cello'],
      ['Bob plays tennis on Mondays', 'On Mondays, Bob plays tennis'],
    ]);
    const otherScope = await write(memos, [{ content: 'Alice really likes green tea', userId: 'bob' }]);
    expect(otherScope.body.results[0].action).toBe('created');
    const sameBatch = await write(memos, [
      { content: 'Bob owns a red kayak', userId: 'carol' },
      { content: 'Bob owns red kayak.', userId: 'carol' },
    ]);
    expect(sameBatch.body.results.map((r: { action: string }) => r.action)).toEqual(['created', 'merged']);
    expect(sameBatch.body.results[1].id).toBe(sameBatch.body.results[0].id);
    // Never across two slots: each slot keeps its own memory, stored or in the same batch.
    const slotA = await write(memos, [{ content: 'Dana owns a red kayak', userId: 'dana', key: 'boat:a' }]);
    const slotB = await write(memos, [{ content: 'Dana owns red kayak.', userId: 'dana', key: 'boat:b' }]);
    expect(slotB.body.results[0]).toMatchObject({ action: 'created' });
    expect(slotB.body.results[0].id).not.toBe(slotA.body.results[0].id);
    const slotBatch = await write(memos, [
      { content: 'Eve owns a red kayak', userId: 'eve', key: 'boat:a' },
      { content: 'Eve owns red kayak.', userId: 'eve', key: 'boat:b' },
    ]);
    expect(slotBatch.body.results.map((r: { action: string }) => r.action)).toEqual(['created', 'created']);
    expect((await memos.json('GET', `/api/v1/memories?userId=dana&key=boat:a`)).body.items.map((m: { id: string }) => m.id)).toEqual([slotA.body.results[0].id]);
  });

  it('merges into the most similar memory that states the same thing, passing over nearer ones that say something else', async () => {
    memos = await startTestMemos({ MEMOS_DUPLICATE_THRESHOLD: '0.85' }, undefined, createHashProvider({ dimensions: HASH_DIMENSIONS, model: 'hash-a' }));
    const stored = await write(memos, [{ content: 'Bob taught Alice to ski' }, { content: 'Alice really taught Bob to ski' }]);
    expect(stored.body.results.map((r: { action: string }) => r.action)).toEqual(['created', 'created']);
    const [restated, swapped] = stored.body.results.map((r: { id: string }) => r.id);
    // The same words as the second memory (cosine 1), a filler more than the first (cosine 0.91).
    const write3 = 'Bob really taught Alice to ski';
    expect(hashCosine(write3, 'Alice really taught Bob to ski')).toBeCloseTo(1, 5);
    expect(hashCosine(write3, 'Bob taught Alice to ski')).toBeGreaterThanOrEqual(0.85);
    const again = await write(memos, [{ content: write3 }]);
    expect(again.body.results[0]).toEqual({ id: restated, action: 'merged', version: 2 });
    expect((await memos.json('GET', `/api/v1/memories/${swapped}`)).body).toMatchObject({ content: 'Alice really taught Bob to ski', version: 1 });
  });

  it('lets the newer wording of a near-duplicate win, keeping the older one in history', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: HASH_DIMENSIONS, model: 'hash-a' }));
    const first = await write(memos, [{ content: 'On Fridays the team lunch is at noon' }]);
    const second = await write(memos, [{ content: 'The team lunch is at noon on Fridays' }]);
    const id = first.body.results[0].id;
    expect(second.body.results[0]).toEqual({ id, action: 'merged', version: 2 });
    const current = await memos.json('GET', `/api/v1/memories/${id}`);
    expect(current.body.content).toBe('The team lunch is at noon on Fridays');
    expect(current.body.embedding.status).toBe('ready');
    const history = await memos.json('GET', `/api/v1/memories/${id}/history`);
    expect(history.body.versions[0]).toMatchObject({ content: 'On Fridays the team lunch is at noon', reason: 'merge' });
  });
});

describe('near-duplicate merges never change what a memory says (real Model2Vec model)', () => {
  it.skipIf(!haveModel)('at the default threshold, keeps apart near-duplicates that negate or change a date, time, year or order, and merges restatements', async () => {
    memos = await startTestMemos({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    const apart: [string, string][] = [
      ['The user is allergic to peanuts', 'The user is not allergic to peanuts'],
      ['Dentist on 3 May', 'Dentist on 4 May'],
      ['Carol moved to Berlin in 2002', 'Carol moved to Berlin in 2005'],
      ["Yasmin's flight leaves at 18:15", "Yasmin's flight leaves at 14:15"],
      ['Yasmin prefers tea over cocoa', 'Yasmin prefers cocoa over tea'],
    ];
    const same: [string, string][] = [
      ['Bob plays tennis on Mondays', 'On Mondays, Bob plays tennis'],
      ['The user is allergic to peanuts', 'The user is really allergic to peanuts'],
      ['The user is not allergic to peanuts', "The user isn't allergic to peanuts"],
      ['Ivan plays the cello', 'Ivan plays cello'],
    ];
    // The model scores every pair at or above the default threshold (0.95).
    for (const [a, b] of [...apart, ...same]) expect({ a, b, near: (await modelCosine(memos, a, b)) >= 0.95 }).toEqual({ a, b, near: true });
    await expectKeptApart(memos, apart);
    await expectMerged(memos, same);
  });

  it.skipIf(!haveModel)('at a low threshold, keeps apart near-duplicates that change a number or a name', async () => {
    const threshold = 0.55;
    memos = await startTestMemos({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_DUPLICATE_THRESHOLD: String(threshold) });
    const apart: [string, string][] = [
      ['PIN is 1234', 'PIN is 5678'],
      ["Alice's manager is Bob", "Alice's manager is Carol"],
    ];
    for (const [a, b] of apart) expect(await modelCosine(memos, a, b)).toBeGreaterThanOrEqual(threshold);
    await expectKeptApart(memos, apart);
    await expectMerged(memos, [['The user lives in Leeds', 'Actually, the user lives in Leeds']]);
  });
});
