import { beforeAll, describe, expect, it } from 'vitest';
import { realVectors, type RealVectors } from '../../../test/support/real-vectors.js';
import { haveModel } from '../../../test/support/test-model.js';
import { VectorPartition, type ScopeMatch } from './vector-partition.js';

// Small thresholds, so that a few thousand real vectors take the graph's paths.
const TUNING = { graphFrom: 500, scanUpTo: 200, graphShare: 0.2 };
const SCAN_ONLY = { graphFrom: Number.POSITIVE_INFINITY };
const ROWS = 3000;
const QUERIES = 60;
const anyScope: ScopeMatch = { userId: undefined, agentId: undefined, sessionId: undefined };
const user = (userId: string): ScopeMatch => ({ userId, agentId: undefined, sessionId: undefined });
const userOf = (i: number) => `u${i % 4}`;

/** Mean share of the exact top `k` that `got` holds. */
function recall(got: string[][], exact: string[][], k: number): number {
  return got.reduce((sum, ids, i) => sum + exact[i]!.slice(0, k).filter((id) => ids.slice(0, k).includes(id)).length / Math.min(k, exact[i]!.length), 0) / got.length;
}

describe.skipIf(!haveModel)('VectorPartition with its ANN graph, on real vectors', () => {
  let data: RealVectors;
  let queries: Float32Array[];
  beforeAll(async () => {
    data = await realVectors(ROWS + QUERIES);
    queries = data.vectors.slice(ROWS);
  });

  function build(tuning: object, rows = ROWS): VectorPartition {
    const partition = new VectorPartition(data.vectors[0]!.length, tuning);
    for (let i = 0; i < rows; i += 1) partition.upsert(`r${i}`, { userId: userOf(i) }, data.vectors[i]!);
    return partition;
  }
  const tops = (partition: VectorPartition, match: ScopeMatch, k = 10) => queries.map((q) => partition.rank(q, match).top(k).map((c) => c.id));

  it('finds at least 95 % of the exact top 10, with exact scores, and widens by extending', () => {
    const graph = build(TUNING);
    graph.settle();
    expect(graph.hasGraph).toBe(true);
    const exact = build(SCAN_ONLY);
    expect(recall(tops(graph, anyScope), tops(exact, anyScope), 10)).toBeGreaterThanOrEqual(0.95);
    const q = queries[0]!;
    const exactScores = new Map(exact.rank(q, anyScope).top(ROWS).map((c) => [c.id, c.score]));
    const ranking = graph.rank(q, anyScope);
    expect(ranking.eligible).toBe(ROWS);
    const top = ranking.top(20);
    for (const { id, score } of top) expect(score).toBeCloseTo(exactScores.get(id)!, 9);
    expect(top.every((c, i) => i === 0 || top[i - 1]!.score >= c.score)).toBe(true);
    // Asked for nearly everything, it answers exactly, all rows.
    expect(ranking.top(ROWS).map((c) => c.id).sort()).toEqual([...exactScores.keys()].sort());
  });

  it('keeps only rows in scope: a large scope through the graph, a small one scanned, both as an exact scan finds', () => {
    const graph = build(TUNING);
    // A fifth user with 150 rows: below scanUpTo, so scanned through its row list.
    for (let i = 0; i < 150; i += 1) graph.upsert(`small${i}`, { userId: 'small' }, data.vectors[i]!);
    graph.settle();
    const exact = build(SCAN_ONLY);
    for (let i = 0; i < 150; i += 1) exact.upsert(`small${i}`, { userId: 'small' }, data.vectors[i]!);
    const large = tops(graph, user('u1'));
    expect(large.flat().every((id) => Number(id.slice(1)) % 4 === 1)).toBe(true);
    expect(recall(large, tops(exact, user('u1')), 10)).toBeGreaterThanOrEqual(0.95);
    expect(tops(graph, user('small'))).toEqual(tops(exact, user('small')));
    expect(graph.rank(queries[0]!, user('u1')).eligible).toBe(ROWS / 4);
    expect(graph.rank(queries[0]!, { userId: 'u1', agentId: null, sessionId: 'none' }).top(5)).toEqual([]);
  });

  it('never returns a removed row, finds a moved vector where it now is, and finds rows still pending', () => {
    const graph = build(TUNING);
    graph.settle();
    const q = queries[1]!;
    const before = graph.rank(q, anyScope).top(10);
    for (const { id } of before.slice(0, 5)) graph.remove(id);
    const after = graph.rank(q, anyScope).top(10).map((c) => c.id);
    for (const { id } of before.slice(0, 5)) expect(after).not.toContain(id);
    // A row given the query's own vector comes first, before and after it enters the graph.
    graph.upsert('r2000', { userId: userOf(2000) }, q);
    expect(graph.pending).toBeGreaterThan(0);
    expect(graph.rank(q, anyScope).top(1)[0]).toEqual({ id: 'r2000', score: expect.closeTo(1, 6) });
    graph.settle();
    expect(graph.pending).toBe(0);
    expect(graph.rank(q, anyScope).top(1)[0]!.id).toBe('r2000');
    // Removed rows are reused by new ones, which the graph then finds.
    const size = graph.size;
    graph.upsert('fresh', { userId: 'u0' }, queries[2]!);
    graph.settle();
    expect(graph.size).toBe(size + 1);
    expect(graph.rank(queries[2]!, user('u0')).top(1)[0]!.id).toBe('fresh');
  });

  it('duplicate checks find what an exact check finds: the nearest few at or above the threshold', () => {
    const graph = build(TUNING);
    graph.settle();
    const exact = build(SCAN_ONLY);
    const match: ScopeMatch = { userId: 'u2', agentId: null, sessionId: null };
    for (let i = 2; i < ROWS; i += 97) {
      // A stored vector with a little noise: it finds itself, and any row as close.
      const probe = data.vectors[i]!.map((x, j) => x * (1 + 0.02 * Math.sin(i + j)));
      for (const threshold of [0.8, 0.95]) {
        const found = graph.nearest(probe, match, threshold, 5);
        expect(found.map((c) => c.id)).toEqual(exact.nearest(probe, match, threshold, 5).map((c) => c.id));
        expect(found.every((c) => c.score >= threshold)).toBe(true);
      }
      if (i % 4 === 2) expect(graph.nearest(probe, match, 0.95, 5)[0]!.id).toBe(`r${i}`);
    }
  });

  it('a partition loaded in one go answers exactly at once and builds its graph afterwards, a slice at a time', () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({ id: `r${i}`, scope: { userId: userOf(i) }, vector: data.vectors[i]! }));
    const loaded = VectorPartition.build(data.vectors[0]!.length, rows, TUNING);
    const exact = build(SCAN_ONLY);
    expect(loaded.hasGraph).toBe(true);
    expect(loaded.pending).toBe(ROWS);
    expect(tops(loaded, anyScope)).toEqual(tops(exact, anyScope));
    expect(loaded.nearest(data.vectors[7]!, user('u3'), 0.95, 5)[0]!.id).toBe('r7');
    expect(loaded.indexPending(64)).toBe(true);
    expect(loaded.pending).toBe(ROWS - 64);
    loaded.settle();
    expect(loaded.pending).toBe(0);
    expect(recall(tops(loaded, anyScope), tops(exact, anyScope), 10)).toBeGreaterThanOrEqual(0.95);
  });
});
