// One memOS under test for the scale benchmark: `node dist/cli/index.js serve` of a source tree, as
// its own process on a loopback port, embedded (a data folder) or server mode (a fresh PostgreSQL
// schema and Redis key prefix). It can be stopped and started again on the same data, and its
// resident memory is read from /proc.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_PATH } from '../model2vec-server.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { dropSchema, POSTGRES_URL, REDIS_URL, removeRedisKeys, withPostgres, withRedis } from '../services.js';
import type { SourceTree } from './source-tree.js';

export type StoreMode = 'embedded' | 'server';

export interface MemosProcess {
  mode: StoreMode;
  baseUrl: string;
  /** Resident set size now and its high-water mark since this process started, in bytes. */
  rss(): { now: number; peak: number };
  /** Starts the process (again, on the same data); resolves once it is ready, with the milliseconds that took. */
  start(): Promise<number>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /**
   * Server mode: VACUUM (ANALYZE) of the schema's tables, standing in for autovacuum (off on the
   * local PostgreSQL). Returns whether it ran.
   */
  analyze(): Promise<boolean>;
  /** Stops it and removes its data folder, schema and keys. */
  dispose(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const kib = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
/** Every child still running, stopped if the benchmark itself exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Ready: storage answers (/health/ready) and the embedder is loaded (so vector search does not fall back). */
async function ready(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health/detailed`);
    const report = (await response.json()) as { components?: Record<string, { status: string }> };
    if ((await fetch(`${baseUrl}/health/ready`)).status !== 200) return false;
    return report.components?.embedder?.status === 'healthy';
  } catch {
    return false;
  }
}

export async function createMemosProcess(tree: SourceTree, mode: StoreMode, extraEnv: Record<string, string> = {}): Promise<MemosProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-bench-scale-'));
  const suffix = randomBytes(6).toString('hex');
  const schema = `memos_bench_scale_${suffix}`;
  const keyPrefix = `memos-bench-scale:${suffix}:`;
  if (mode === 'server') await withRedis((client) => client.ping());
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The caller's environment passes through, so a MEMOS_* setting under trial reaches both builds.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MEMOS_DATA_DIR: dataDir,
    MEMOS_LOG_LEVEL: 'warn',
    MEMOS_EMBEDDER: 'model2vec',
    MEMOS_MODEL2VEC_PATH: MODEL_PATH,
    MEMOS_AUTO_BACKFILL: 'false',
    ...RATE_LIMIT_OFF,
    ...(mode === 'server'
      ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: REDIS_URL, MEMOS_REDIS_KEY_PREFIX: keyPrefix }
      : {}),
    ...extraEnv,
    // Node options for the server alone (e.g. a capped heap, to show what a run needs), not for the bench.
    ...(process.env.BENCH_SERVER_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }),
  };
  let child: ChildProcess | undefined;
  let output = '';

  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    running.delete(current);
  };

  const start = async () => {
    const begin = performance.now();
    output = '';
    const started = spawn(process.execPath, ['dist/cli/index.js', 'serve', '--host', '127.0.0.1', '--port', String(port)], { cwd: tree.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    running.add(started);
    let spawnError: Error | undefined;
    started.once('error', (error) => {
      spawnError = error;
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    while (!(await ready(baseUrl))) {
      if (spawnError) throw new Error(`${tree.label} ${mode}: memos serve could not start in ${tree.root}: ${spawnError.message}`);
      if (started.exitCode !== null) throw new Error(`${tree.label} ${mode}: memos serve exited with ${started.exitCode}:\n${output}`);
      if (performance.now() - begin > READY_TIMEOUT_MS) {
        await stop();
        throw new Error(`${tree.label} ${mode}: not ready in ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return performance.now() - begin;
  };

  return {
    mode,
    baseUrl,
    rss() {
      if (!child?.pid) return { now: Number.NaN, peak: Number.NaN };
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return { now: kib(status, 'VmRSS'), peak: kib(status, 'VmHWM') };
    },
    start,
    stop,
    async analyze() {
      if (mode !== 'server') return false;
      await withPostgres((client) => client.query(`VACUUM (ANALYZE) "${schema}".memories, "${schema}".episodes`));
      return true;
    },
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (mode === 'server') {
        await dropSchema(schema);
        await removeRedisKeys(keyPrefix);
      }
    },
  };
}
