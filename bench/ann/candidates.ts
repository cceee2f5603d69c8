// The ANN packages memOS could use, measured raw on the same vectors as the partition: build (per
// insert), query p50/p95 and recall@10 against an exact scan, filtered queries and save/load.
// A package that is not installed is skipped: only the chosen one is a dependency.
// Run: npx tsx bench/ann/candidates.ts [records=100000]

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchVectors } from './vectors.js';
import { exactTop, percentile, recallAt, unitOf } from './measure.js';

const require = createRequire(import.meta.url);
const N = Number(process.argv[2] ?? 100_000);
const Q = 300;
const K = 10;

function optional(name: string): any {
  try {
    return require(name);
  } catch {
    console.log(`${name}: not installed, skipped`);
    return undefined;
  }
}

const data = await benchVectors(N, Q);
const unit = data.records.map(unitOf);
const exact = data.queries.map((q) => exactTop(unit, q, K));
const folder = mkdtempSync(join(tmpdir(), 'memos-ann-'));
const rows: string[][] = [['candidate', 'insert µs/rec', 'query p50 ms', 'p95 ms', 'recall@10', 'user-filtered p50 ms', 'save ms', 'load ms']];

function timeQueries(run: (q: Float32Array) => number[]): { p50: number; p95: number; recall: number } {
  const times: number[] = [];
  let recall = 0;
  data.queries.forEach((q, i) => {
    const t = performance.now();
    const got = run(q);
    times.push(performance.now() - t);
    recall += recallAt(got, exact[i]!, K);
  });
  return { p50: percentile(times, 50), p95: percentile(times, 95), recall: recall / data.queries.length };
}

{
  const t = performance.now();
  const r = timeQueries((q) => exactTop(unit, q, K));
  rows.push(['exact scan (JS)', '-', r.p50.toFixed(2), r.p95.toFixed(2), '1.000', '-', '-', '-']);
  void t;
}

const hnswlib = optional('hnswlib-node');
if (hnswlib) {
  for (const [m, efc, ef] of [[12, 48, 48], [12, 48, 96], [16, 64, 64], [16, 100, 64]] as const) {
    const index = new hnswlib.HierarchicalNSW('ip', data.dimensions);
    index.initIndex({ maxElements: N, m, efConstruction: efc, randomSeed: 1, allowReplaceDeleted: true });
    let t = performance.now();
    unit.forEach((v, i) => index.addPoint(Array.from(v), i));
    const insert = ((performance.now() - t) * 1000) / N;
    index.setEf(ef);
    const r = timeQueries((q) => index.searchKnn(Array.from(q), K).neighbors);
    // One user of 100: a filter callback over label % 100.
    const filtered = timeQueries((q) => index.searchKnn(Array.from(q), K, (label: number) => label % 100 === 3).neighbors);
    const path = join(folder, 'h.bin');
    t = performance.now();
    index.writeIndexSync(path);
    const save = performance.now() - t;
    t = performance.now();
    const again = new hnswlib.HierarchicalNSW('ip', data.dimensions);
    again.readIndexSync(path, true);
    const load = performance.now() - t;
    rows.push([`hnswlib-node M=${m} efC=${efc} ef=${ef}`, insert.toFixed(1), r.p50.toFixed(2), r.p95.toFixed(2), r.recall.toFixed(3), filtered.p50.toFixed(2), save.toFixed(0), load.toFixed(0)]);
  }
}

const usearch = optional('usearch');
if (usearch) {
  for (const [m, efc, ef] of [[16, 64, 64]] as const) {
    const index = new usearch.Index({ dimensions: data.dimensions, metric: 'ip', quantization: 'f32', connectivity: m, expansion_add: efc, expansion_search: ef });
    let t = performance.now();
    unit.forEach((v, i) => index.add(BigInt(i), v));
    const insert = ((performance.now() - t) * 1000) / N;
    const r = timeQueries((q) => Array.from(index.search(q, K, 1).keys as BigUint64Array, Number));
    const path = join(folder, 'u.bin');
    t = performance.now();
    index.save(path);
    const save = performance.now() - t;
    t = performance.now();
    const again = new usearch.Index({ dimensions: data.dimensions, metric: 'ip', quantization: 'f32', connectivity: m });
    again.load(path);
    const load = performance.now() - t;
    rows.push([`usearch M=${m} efC=${efc} ef=${ef}`, insert.toFixed(1), r.p50.toFixed(2), r.p95.toFixed(2), r.recall.toFixed(3), 'no filter API', save.toFixed(0), load.toFixed(0)]);
  }
}

rmSync(folder, { recursive: true, force: true });
console.log(`\n${N} records, ${Q} queries, ${data.dimensions} dims (${data.model}), ${data.turns} distinct turns + pairs`);
for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(34) : cell.padStart(12))).join(' '));
