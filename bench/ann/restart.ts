// The first vector search after a restart of the embedded store, without HTTP: a store of `size`
// memories in one scope (vectors: memOS's Model2Vec over LoCoMo dev turns) is written once into a
// folder, closed (so its vector snapshot is written), then opened in fresh processes that each time
// the open, the first search (after `waitMs`, as a server would be ready), and the graph's arrival.
// Run: npx tsx bench/ann/restart.ts [size=100000] [folder=<tmp>/memos-bench-restart-<size>] [runs=3] [waitMs=0]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, toIso } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import type { MemoryDraft } from '../../src/core/ports.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { benchVectors } from './vectors.js';

const [mode, ...rest] = process.argv[2] === 'measure' ? ['measure', ...process.argv.slice(3)] : ['setup', ...process.argv.slice(2)];
const SIZE = Number(rest[0] ?? 100000);
const FOLDER = rest[1] ?? join(tmpdir(), `memos-bench-restart-${SIZE}`);
const RUNS = Number(rest[2] ?? 3);
const WAIT_MS = Number(rest[3] ?? 0);
const PATH = join(FOLDER, 'memos.db');
const SCOPE = { namespace: 'bench', userId: 'one' };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const open = () => createSqliteStorage({ path: PATH, clock: systemClock, ids: ulidGenerator(systemClock), synchronous: 'normal' });

if (mode === 'setup') {
  const data = await benchVectors(SIZE, 20);
  if (!existsSync(PATH)) {
    mkdirSync(FOLDER, { recursive: true });
    const storage = open();
    await storage.init();
    const at = toIso(Date.now());
    const draft = (i: number): MemoryDraft => ({
      contentKey: `m${i}`,
      memory: { id: `m${i}`, ...SCOPE, kind: 'fact', content: `memory ${i}`, importance: 0.5, metadata: {}, sourceEpisodeIds: [], version: 1, createdAt: at, updatedAt: at, lastConfirmedAt: at, sourceSessionIds: [], validFrom: at, supersedes: [], conflicts: [], embedding: { status: 'pending' } },
      vector: { model: data.model, vector: data.records[i]! },
    });
    for (let from = 0; from < SIZE; from += 500) {
      await storage.memories.upsert(Array.from({ length: Math.min(500, SIZE - from) }, (_, j) => draft(from + j)));
      // Loaded after the first batch, so later batches enter the graph as they are written.
      if (from === 0) await storage.vectors.search({ tier: 'memories', filter: SCOPE, model: data.model, vector: data.queries[0]!, limit: 10 });
      await sleep(0);
    }
    await sleep(3000);
    await storage.close();
    console.log(`wrote ${SIZE} memories to ${FOLDER}`);
  }
  const queries = JSON.stringify({ model: data.model, queries: data.queries.map((q) => [...q]) });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(FOLDER, 'queries.json'), queries);
  for (let run = 0; run < RUNS; run += 1) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, 'measure', String(SIZE), FOLDER, String(RUNS), String(WAIT_MS)], { encoding: 'utf8' });
    process.stdout.write(out);
  }
} else {
  const { readFileSync } = await import('node:fs');
  const { model, queries } = JSON.parse(readFileSync(join(FOLDER, 'queries.json'), 'utf8')) as { model: string; queries: number[][] };
  const t0 = performance.now();
  const storage = open();
  await storage.init();
  const openMs = performance.now() - t0;
  if (WAIT_MS > 0) await sleep(WAIT_MS);
  const times: number[] = [];
  for (const q of queries.slice(0, 5)) {
    const t = performance.now();
    await storage.vectors.search({ tier: 'memories', filter: SCOPE, model, vector: Float32Array.from(q), limit: 10 });
    times.push(performance.now() - t);
  }
  // Until the graph is attached: searches keep scanning until then.
  let graphMs = Number.NaN;
  for (let i = 0; i < 400; i += 1) {
    const t = performance.now();
    await storage.vectors.search({ tier: 'memories', filter: SCOPE, model, vector: Float32Array.from(queries[6]!), limit: 10 });
    if (performance.now() - t < 3) {
      graphMs = performance.now() - t0;
      break;
    }
    await sleep(20);
  }
  console.log(`open ${openMs.toFixed(1)} ms, first searches ${times.map((t) => t.toFixed(1)).join(' / ')} ms, a search under 3 ms from ${graphMs.toFixed(0)} ms after open`);
  await storage.close();
}
