// The SQLite adapter's vector partition with its ANN graph, against the same partition scanning
// exactly (the baseline, in the same run, on the same vectors): insert cost, vector search p50/p95
// and recall@10, one user's 1k rows inside the partition, near-duplicate checks (cost and whether
// they find what an exact check finds), and the first search after a restart from a snapshot.
// Vectors: LoCoMo dev turns (and pairs of them) embedded with memOS's Model2Vec provider.
// Run: npx tsx bench/ann/run.ts [sizes=10000,100000]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { SqliteDatabase } from '../../src/storage/sqlite/database.js';
import { VectorPartition, type ScopeMatch } from '../../src/storage/sqlite/vector-partition.js';
import { VectorSnapshots } from '../../src/storage/sqlite/vector-snapshot.js';
import { mulberry32 } from '../store/corpus.js';
import { percentile, recallAt, unitOf } from './measure.js';
import { benchVectors } from './vectors.js';

const SIZES = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const QUERIES = 300;
const CHECKS = 500;
const THRESHOLD = 0.95; // indexing.duplicateThreshold's default
const SCAN_ONLY = { graphFrom: Number.POSITIVE_INFINITY };
const all: ScopeMatch = { userId: 'one', agentId: undefined, sessionId: undefined };
const exactScope = (userId: string): ScopeMatch => ({ userId, agentId: null, sessionId: null });

const ms = (values: number[]) => `${percentile(values, 50).toFixed(3)} / ${percentile(values, 95).toFixed(3)}`;
function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}

const data = await benchVectors(Math.max(...SIZES), QUERIES);
console.log(`vectors: ${data.records.length} records (${data.turns} distinct LoCoMo dev turns, then pairs), ${data.queries.length} questions as queries, ${data.dimensions} dims, ${data.model}`);

for (const size of SIZES) {
  const records = data.records.slice(0, size);
  const lines: Array<[string, string, string]> = [];
  // One scope holding every record, as in one user's memories.
  const [flat, flatMs] = timed(() => {
    const p = new VectorPartition(data.dimensions, SCAN_ONLY);
    records.forEach((v, i) => p.upsert(`r${i}`, { userId: 'one' }, v));
    return p;
  });
  const cpu = process.cpuUsage();
  const [ann, annMs] = timed(() => {
    const p = new VectorPartition(data.dimensions);
    records.forEach((v, i) => p.upsert(`r${i}`, { userId: 'one' }, v));
    p.settle();
    return p;
  });
  const used = process.cpuUsage(cpu);
  lines.push(['insert, µs per record, wall (graph inserts synchronous)', ((flatMs * 1000) / size).toFixed(1), ((annMs * 1000) / size).toFixed(1)]);
  lines.push(['insert, µs of CPU per record (the machine may be shared)', '-', ((used.user + used.system) / size).toFixed(1)]);
  lines.push(['memory, MB', (flat.bytes / 1e6).toFixed(1), (ann.bytes / 1e6).toFixed(1)]);

  const search = (p: VectorPartition, match: ScopeMatch) => {
    const times: number[] = [];
    const answers = data.queries.map((q) => {
      const [top, t] = timed(() => p.rank(q, match).top(10 * 8 + 32).slice(0, 10));
      times.push(t);
      return top.map((c) => c.id);
    });
    return { times, answers };
  };
  const exact = search(flat, all);
  const approx = search(ann, all);
  const recall = approx.answers.reduce((sum, got, i) => sum + recallAt(got, exact.answers[i]!, 10), 0) / QUERIES;
  lines.push(['vector search (top 112, as the store asks), p50 / p95 ms', ms(exact.times), ms(approx.times)]);
  lines.push(['recall@10 against exact', '1.000', recall.toFixed(3)]);

  // Near-duplicate checks: stored records (each finds itself) and unseen questions.
  const checkAt = (p: VectorPartition, vectors: Float32Array[]) => {
    const times: number[] = [];
    const found = vectors.map((v) => {
      const [near, t] = timed(() => p.nearest(v, exactScope('one'), THRESHOLD, 5));
      times.push(t * 1000);
      return near.map((c) => c.id);
    });
    return { times, found };
  };
  // Stored records (each finds itself) and the same with noise, so that neighbours sit near the threshold.
  const noise = mulberry32(5);
  const probes = Array.from({ length: CHECKS }, (_, i) => {
    const v = unitOf(records[(i * 7919) % size]!);
    return i % 2 === 0 ? v : v.map((x) => x + (noise() - 0.5) * 0.03);
  });
  const exactChecks = checkAt(flat, probes);
  const annChecks = checkAt(ann, probes);
  const agree = annChecks.found.filter((ids, i) => recallAt(ids, exactChecks.found[i]!, 5) === 1).length / CHECKS;
  lines.push(['duplicate check (5 nearest >= 0.95), p50 / p95 µs', ms(exactChecks.times), ms(annChecks.times)]);
  const hits = exactChecks.found.reduce((sum, ids) => sum + ids.length, 0) / CHECKS;
  lines.push([`duplicate checks finding all that exact finds (${hits.toFixed(1)} found per check)`, '1.000', agree.toFixed(3)]);

  // 100 users in one partition; one user's rows are scanned through its row list.
  const shared = new VectorPartition(data.dimensions);
  records.forEach((v, i) => shared.upsert(`r${i}`, { userId: `u${i % 100}` }, v));
  shared.settle();
  const sharedFlat = new VectorPartition(data.dimensions, SCAN_ONLY);
  records.forEach((v, i) => sharedFlat.upsert(`r${i}`, { userId: `u${i % 100}` }, v));
  const user = exactScope('u3');
  const userExact = search(sharedFlat, user);
  const userAnn = search(shared, user);
  const userRecall = userAnn.answers.reduce((sum, got, i) => sum + recallAt(got, userExact.answers[i]!, 10), 0) / QUERIES;
  lines.push([`one user of 100 (${size / 100} rows), p50 / p95 ms`, ms(userExact.times), `${ms(userAnn.times)} (recall ${userRecall.toFixed(3)})`]);
  // A quarter of the partition: large enough for the filtered graph search.
  const quarter = new VectorPartition(data.dimensions);
  records.forEach((v, i) => quarter.upsert(`r${i}`, { userId: `q${i % 4}` }, v));
  quarter.settle();
  const quarterFlat = new VectorPartition(data.dimensions, SCAN_ONLY);
  records.forEach((v, i) => quarterFlat.upsert(`r${i}`, { userId: `q${i % 4}` }, v));
  const qExact = search(quarterFlat, exactScope('q1'));
  const qAnn = search(quarter, exactScope('q1'));
  const qRecall = qAnn.answers.reduce((sum, got, i) => sum + recallAt(got, qExact.answers[i]!, 10), 0) / QUERIES;
  lines.push([`one user of 4 (${size / 4} rows, graph with a filter), p50 / p95 ms`, ms(qExact.times), `${ms(qAnn.times)} (recall ${qRecall.toFixed(3)})`]);

  // Restart: write the snapshot, then time reading it back and the first search.
  const folder = mkdtempSync(join(tmpdir(), 'memos-bench-ann-'));
  // Opened twice, as after a restart: an open that migrates the schema trusts no snapshot.
  new SqliteDatabase({ path: join(folder, 'memos.db'), synchronous: 'normal', clock: systemClock }).open();
  const db = new SqliteDatabase({ path: join(folder, 'memos.db'), synchronous: 'normal', clock: systemClock });
  db.open();
  const key = { tier: 'memories' as const, namespace: 'bench', model: data.model, dimensions: data.dimensions };
  const snapshots = new VectorSnapshots(join(folder, 'memos.db'), db);
  const [, writeMs] = timed(() => snapshots.write([{ key, partition: ann }]));
  // From the storage's open (which takes the tokens and starts reading ahead) to the first answer.
  const start = performance.now();
  snapshots.claim();
  let graphAt = 0;
  const graphReady = new Promise<void>((done) => {
    const restored = snapshots.restore(key, {}, () => {
      graphAt = performance.now() - start;
      done();
    });
    const [, firstMs] = timed(() => restored!.rank(data.queries[0]!, all).top(10));
    lines.push(['restart: open to first search answered, ms (graph on a worker)', `rebuild: ${annMs.toFixed(0)}`, `${(performance.now() - start).toFixed(1)} (search ${firstMs.toFixed(1)})`]);
  });
  await graphReady;
  lines.push(['restart: graph attached after, ms / snapshot write at close, ms', '-', `${graphAt.toFixed(0)} / ${writeMs.toFixed(0)}`]);
  // As a server meets its first request: the rows file was read ahead while it started.
  snapshots.write([]); // a close that keeps the untouched snapshot
  await snapshots.claim();
  const [warm, warmMs] = timed(() => snapshots.restore(key, {}, () => undefined)!);
  const [, warmSearch] = timed(() => warm.rank(data.queries[0]!, all).top(10));
  lines.push(['restart: first search once the read-ahead is done, ms', '-', `${(warmMs + warmSearch).toFixed(1)} (search ${warmSearch.toFixed(1)})`]);
  db.close();
  rmSync(folder, { recursive: true, force: true });

  console.log(`\n${size} records                                              exact scan (baseline)        ANN (hnswlib-node)`);
  for (const [name, a, b] of lines) console.log(`${name.padEnd(64)} ${a.padStart(20)}   ${b}`);
}
