import { describe, expect, it } from 'vitest';
import { VectorPartition } from './vector-partition.js';

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const unit = (v: Float32Array) => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('VectorPartition.nearest, scanning', () => {
  it('finds exactly the rows in scope at or above the threshold, as a brute-force scan does', () => {
    const next = random(7);
    const dim = 64;
    const partition = new VectorPartition(dim);
    const rows: Array<{ id: string; user: string; vector: Float32Array }> = [];
    const base = unit(Float32Array.from({ length: dim }, next));
    for (let i = 0; i < 3000; i += 1) {
      // A shared direction plus noise of varying size: cosines to `base` spread from low to ~1.
      const spread = (i % 50) / 25;
      const vector = unit(Float32Array.from({ length: dim }, (_, j) => base[j]! + spread * next()));
      const user = `u${i % 3}`;
      rows.push({ id: `r${i}`, user, vector });
      partition.upsert(`r${i}`, { userId: user }, vector);
    }
    partition.remove('r0'); // a removed row never comes back
    for (const threshold of [0.5, 0.9, 0.95, 0.99]) {
      const found = partition.nearest(base, { userId: 'u1', agentId: null, sessionId: null }, threshold, 10_000);
      const expected = rows
        .filter((row) => row.user === 'u1' && row.id !== 'r0' && cosine(row.vector, base) >= threshold - 1e-6)
        .map((row) => row.id)
        .sort();
      expect(found.map((candidate) => candidate.id).sort(), `threshold ${threshold}`).toEqual(expected);
      expect(found.every((candidate, i) => i === 0 || found[i - 1]!.score >= candidate.score)).toBe(true);
    }
  });

  it('returns nothing for a zero query or an unknown scope id', () => {
    const partition = new VectorPartition(4);
    partition.upsert('a', { userId: 'u' }, Float32Array.of(1, 0, 0, 0));
    expect(partition.nearest(new Float32Array(4), { userId: undefined, agentId: undefined, sessionId: undefined }, 0.5, 10_000)).toEqual([]);
    expect(partition.nearest(Float32Array.of(1, 0, 0, 0), { userId: 'nobody', agentId: undefined, sessionId: undefined }, 0.5, 10_000)).toEqual([]);
    expect(partition.nearest(Float32Array.of(1, 0, 0, 0), { userId: 'u', agentId: undefined, sessionId: undefined }, 0.5, 10_000)).toEqual([{ id: 'a', score: 1 }]);
  });
});

describe('VectorPartition memory', () => {
  it('forgets the scope ids that no live row carries any more, so its id-code map shrinks', () => {
    const partition = new VectorPartition(4);
    const vector = Float32Array.of(1, 0, 0, 0);
    // Many short sessions: each row its own session id.
    for (let i = 0; i < 1000; i += 1) partition.upsert(`r${i}`, { userId: 'u', sessionId: `s${i}` }, vector);
    expect(partition.scopeIds).toBe(1001);
    const full = partition.bytes;
    for (let i = 0; i < 900; i += 1) partition.remove(`r${i}`);
    expect(partition.scopeIds).toBe(101);
    expect(partition.bytes).toBeLessThan(full);
    // A scope id carried again gets a code again, and queries by it still match exactly.
    partition.upsert('again', { userId: 'u', sessionId: 's5' }, vector);
    partition.upsert('r950', { userId: 'v', sessionId: 's950' }, vector); // moved to another user: 'u' still carried by others
    expect(partition.scopeIds).toBe(103);
    const ids = (match: { userId?: string; sessionId?: string }) =>
      partition.nearest(vector, { userId: match.userId, agentId: undefined, sessionId: match.sessionId }, 0.5, 10_000).map((c) => c.id).sort();
    expect(ids({ sessionId: 's5' })).toEqual(['again']);
    expect(ids({ sessionId: 's950' })).toEqual(['r950']);
    expect(ids({ userId: 'v' })).toEqual(['r950']);
    expect(ids({ sessionId: 's3' })).toEqual([]);
    expect(ids({ userId: 'u' })).toHaveLength(100);
    for (let i = 900; i < 1000; i += 1) partition.remove(`r${i}`);
    partition.remove('again');
    expect(partition.scopeIds).toBe(0);
    expect(partition.size).toBe(0);
  });

  it('matches scopes exactly as a brute-force filter does through random writes, scope changes, removals and row reuse', () => {
    const next = random(11);
    const pick = <T>(items: readonly T[]) => items[Math.floor((next() + 0.5) * items.length) % items.length]!;
    const users = [undefined, 'u1', 'u2', 'u3'];
    const sessions = [undefined, ...Array.from({ length: 40 }, (_, i) => `s${i}`)];
    const partition = new VectorPartition(4);
    const live = new Map<string, { userId?: string; sessionId?: string }>();
    const vector = Float32Array.of(1, 0, 0, 0);
    for (let step = 0; step < 6000; step += 1) {
      const id = `r${Math.floor((next() + 0.5) * 800)}`;
      if (next() < 0.35) {
        expect(partition.remove(id)).toBe(live.delete(id));
      } else {
        const scope = { userId: pick(users), sessionId: pick(sessions) };
        partition.upsert(id, scope, vector);
        live.set(id, scope);
      }
      if (step % 500 !== 499) continue;
      expect(partition.size).toBe(live.size);
      const carried = new Set([...live.values()].flatMap((scope) => [scope.userId, scope.sessionId]).filter((value) => value !== undefined));
      expect(partition.scopeIds).toBe(carried.size);
      for (const userId of [...users, null]) {
        for (const sessionId of [undefined, null, 's3', 's17', 'never']) {
          const match = { userId: userId === undefined ? undefined : userId, agentId: undefined, sessionId };
          const expected = [...live]
            .filter(([, scope]) => (match.userId === undefined ? true : match.userId === null ? scope.userId === undefined : scope.userId === match.userId))
            .filter(([, scope]) => (sessionId === undefined ? true : sessionId === null ? scope.sessionId === undefined : scope.sessionId === sessionId))
            .map(([key]) => key)
            .sort();
          const ranking = partition.rank(vector, match);
          expect(ranking.eligible).toBe(expected.length);
          expect(ranking.top(1000).map((c) => c.id).sort()).toEqual(expected);
        }
      }
    }
  });
});
