// The graph's breadths, traded against each other at one size: the cost of placing a row
// (efConstruction), and per search breadth (ef) the recall@10 of a search and whether duplicate
// checks find what an exact check finds, with their p50 cost. The exact scan is the baseline.
// Run: npx tsx bench/ann/tune.ts [records=100000]

import { VectorPartition, type ScopeMatch } from '../../src/storage/sqlite/vector-partition.js';
import { mulberry32 } from '../store/corpus.js';
import { percentile, recallAt, unitOf } from './measure.js';
import { benchVectors } from './vectors.js';

const N = Number(process.argv[2] ?? 100_000);
const data = await benchVectors(N, 300);
const all: ScopeMatch = { userId: 'one', agentId: null, sessionId: null };
const build = (tuning: object) => {
  const p = new VectorPartition(data.dimensions, tuning);
  data.records.forEach((v, i) => p.upsert(`r${i}`, { userId: 'one' }, v));
  return p;
};
const noise = mulberry32(5);
const probes = Array.from({ length: 400 }, (_, i) => {
  const v = unitOf(data.records[(i * 7919) % N]!);
  return i % 2 === 0 ? v : v.map((x) => x + (noise() - 0.5) * 0.03);
});
const exact = build({ graphFrom: Number.POSITIVE_INFINITY });
const exactTop = data.queries.map((q) => exact.rank(q, all).top(10).map((c) => c.id));
const exactNear = probes.map((q) => exact.nearest(q, all, 0.95, 5).map((c) => c.id));
console.log(`${N} records, ${data.dimensions} dims; M=16`);
for (const buildBreadth of [32, 64]) {
  // CPU time, not wall time: the machine may be shared.
  const cpu = process.cpuUsage();
  const p = build({ buildBreadth });
  p.settle();
  const used = process.cpuUsage(cpu);
  const insert = (used.user + used.system) / N;
  let t = 0;
  for (const [searchBreadth, checkBreadth] of [[112, 24], [160, 48], [256, 96]] as const) {
    p.retune({ searchBreadth, checkBreadth });
    const times: number[] = [];
    let recall = 0;
    data.queries.forEach((q, i) => {
      t = performance.now();
      const top = p.rank(q, all).top(112).slice(0, 10).map((c) => c.id);
      times.push(performance.now() - t);
      recall += recallAt(top, exactTop[i]!, 10);
    });
    const checks: number[] = [];
    let agree = 0;
    probes.forEach((q, i) => {
      t = performance.now();
      const near = p.nearest(q, all, 0.95, 5).map((c) => c.id);
      checks.push((performance.now() - t) * 1000);
      if (recallAt(near, exactNear[i]!, 5) === 1) agree += 1;
    });
    console.log(
      `efC=${buildBreadth} (${insert.toFixed(0)} µs CPU/insert) ef=${searchBreadth}: search p50 ${percentile(times, 50).toFixed(2)} ms, recall@10 ${(recall / data.queries.length).toFixed(3)}; ` +
        `check ef=${checkBreadth} p50 ${percentile(checks, 50).toFixed(0)} µs, agree ${(agree / probes.length).toFixed(3)}`,
    );
  }
}
