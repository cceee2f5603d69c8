// Backup benchmark: time and size of `memos backup` (VACUUM INTO, fsync, integrity_check) and
// `memos restore` on an embedded memOS holding BENCH_RECORDS memories (default 100000, with
// Model2Vec vectors), idle and while a writer keeps writing; against two baselines in the same
// run: a plain file copy of memos.db (the floor: what any copy costs) and SQLite's backup API
// (better-sqlite3 `.backup()`), which starts over whenever another connection writes.
// Run: npx tsx bench/backup/run.ts   Knobs: BENCH_RECORDS, BENCH_RUNS (3), BENCH_API_CAP_S (60).

import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { createMemos } from '../../src/main.js';
import { restoreDatabase } from '../../src/storage/sqlite/database-restore.js';
import { backupDatabase } from '../../src/storage/sqlite/online-backup.js';
import { machineInfo } from '../machine.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { median, percentile } from '../stats.js';
import { generateCorpus } from '../store/corpus.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const API_CAP_MS = Number(process.env.BENCH_API_CAP_S ?? 60) * 1000;
const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'potion-base-4M-int8');

const dir = mkdtempSync(join(tmpdir(), 'memos-bench-backup-'));
const dbPath = join(dir, 'data', 'memos.db');
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const s = (ms: number) => (ms / 1000).toFixed(2);

const config = loadConfig({
  env: { MEMOS_DATA_DIR: join(dir, 'data'), MEMOS_LOG_LEVEL: 'silent', ...RATE_LIMIT_OFF, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_AUTO_BACKFILL: 'false' },
  cwd: dir,
});
const memos = await createMemos(config);
try {
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  const corpus = generateCorpus(RECORDS);
  const loadStart = performance.now();
  for (let i = 0; i < corpus.length; i += 500) {
    await memos.services.memories.upsert('bench', corpus.slice(i, i + 500).map((m) => ({ ...m })));
  }
  console.log(`loaded ${RECORDS} memories in ${s(performance.now() - loadStart)} s`);
  const sourceBytes = statSync(dbPath).size + (statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0);

  // A writer that keeps writing while a backup runs (the backup's VACUUM INTO runs in a worker thread).
  const write = async (until: { stop: boolean }, latencies: number[]) => {
    for (let n = 0; !until.stop && n < 100_000; n++) {
      const t = performance.now();
      await memos.services.memories.upsert('bench', [{ content: `writer note ${n} ${Math.random()}`, kind: 'fact' }]);
      latencies.push(performance.now() - t);
      // An upsert may settle without real I/O: yield, as a server between requests does.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const rows: string[] = [];
  const measure = async (name: string, run: () => Promise<number | undefined>, withWriter: boolean) => {
    const times: number[] = [];
    let size: number | undefined;
    const latencies: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const until = { stop: false };
      const writer = withWriter ? write(until, latencies) : Promise.resolve();
      const t = performance.now();
      size = await run();
      times.push(performance.now() - t);
      until.stop = true;
      await writer;
    }
    const writes = withWriter ? `, ${latencies.length} writes meanwhile, p95 ${percentile(latencies, 95).toFixed(1)} ms` : '';
    rows.push(`| ${name} | ${s(median(times))} s | ${s(Math.max(...times))} s | ${size === undefined ? '—' : `${mib(size)} MiB`}${writes} |`);
  };

  let k = 0;
  const target = () => join(dir, `copy-${k++}.db`);
  const split: string[] = [];
  const ours = async () => {
    const result = await backupDatabase({ source: dbPath, out: target() });
    split.push(`${s(result.copyMs)} s VACUUM INTO + ${s(result.verifyMs)} s fsync and checks`);
    return result.bytes;
  };
  await measure('baseline: cp memos.db (not consistent under writes)', async () => {
    const out = target();
    copyFileSync(dbPath, out);
    return statSync(out).size;
  }, false);
  await measure('memos backup (VACUUM INTO + fsync + integrity_check), idle', ours, false);
  await measure('memos backup, one writer running', ours, true);
  let apiNotes: string[] = [];
  const api = async () => {
    const out = target();
    const source = new Database(dbPath, { readonly: true });
    const started = Date.now();
    let last = Infinity;
    let restarts = 0;
    try {
      await source.backup(out, {
        progress: ({ remainingPages }) => {
          if (remainingPages > last) restarts += 1;
          last = remainingPages;
          if (Date.now() - started > API_CAP_MS) throw new Error('capped');
          return 100;
        },
      });
      apiNotes.push(`finished after ${restarts} restarts`);
      return statSync(out).size;
    } catch {
      apiNotes.push(`gave up at the cap after ${restarts} restarts`);
      return undefined;
    } finally {
      source.close();
    }
  };
  await measure('baseline: SQLite backup API (.backup(), 100 pages a step), idle', api, false);
  apiNotes = [];
  await measure(`baseline: SQLite backup API, one writer running (capped at ${API_CAP_MS / 1000} s)`, api, true);
  console.log(`backup API under writes: ${apiNotes.join('; ')}`);
  console.log(`memos backup runs: ${split.join('; ')}`);
  const backup = join(dir, `copy-${RUNS}.db`);
  await measure('memos restore into an empty folder (copy, fsync, integrity_check, rename)', async () => {
    return (await restoreDatabase({ file: backup, dataDir: join(dir, `restored-${k++}`) })).bytes;
  }, false);

  console.log(`\n${RECORDS} memories; memos.db + WAL ${mib(sourceBytes)} MiB; ${RUNS} runs each\n`);
  console.log('| operation | median | max | size |\n|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await memos.close();
  rmSync(dir, { recursive: true, force: true });
}
