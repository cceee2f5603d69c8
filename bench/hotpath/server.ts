// A real `memos serve` child process for the hot-path benchmark, from any source tree (this one, or
// a worktree of an earlier commit to compare with), on a port chosen here, its logs discarded.
// With a profile folder, the child runs under --cpu-prof and writes its profile there when it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_PATH } from '../model2vec-server.js';

export interface ChildServer {
  child: ChildProcess;
  baseUrl: string;
  /** CPU time (user + system) the server process has used so far, in ms (Linux /proc, 10 ms ticks). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc/PID/stat, in ms (fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A free loopback port: bound to 0, read, released. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Polls `url` until it answers 200, for at most `ms`. */
async function ready(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer in ${ms} ms`);
}

/** Spawns `node [--cpu-prof] [--import tsx] <entry> ...args` in `cwd` (tsx for a .ts entry) and waits for `healthPath`. */
export async function spawnServer(options: {
  cwd: string;
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  healthPath: string;
  profileDir?: string;
}): Promise<ChildServer> {
  const port = await freePort();
  const profile = options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir];
  const loader = options.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...profile, ...loader, options.entry, ...(options.args ?? []), '--port', String(port)], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, BENCH_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await ready(baseUrl + options.healthPath, child, 60_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return {
    child,
    baseUrl,
    cpuMs: () => cpuMsOf(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * `memos serve` from `root` (its built dist/, as deployed, or its sources through tsx) on a fresh
 * data folder with the Model2Vec model, rate limit off, SQLite synchronous=normal.
 */
export async function startMemos(root: string, from: 'dist' | 'tsx', profileDir?: string): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-bench-hotpath-'));
  const server = await spawnServer({
    cwd: root,
    entry: from === 'dist' ? 'dist/cli/index.js' : 'src/cli/index.ts',
    args: ['serve', '--host', '127.0.0.1'],
    env: {
      MEMOS_DATA_DIR: dataDir,
      MEMOS_EMBEDDER: 'model2vec',
      MEMOS_MODEL2VEC_PATH: MODEL_PATH,
      MEMOS_RATE_LIMIT_PER_SECOND: '0',
      MEMOS_AUTO_BACKFILL: 'false',
      MEMOS_SQLITE_SYNCHRONOUS: 'normal',
      MEMOS_LOG_LEVEL: 'info',
      // The bench's keep-alive sockets idle while the other servers are measured: longer than
      // memOS's 5 s default, so that the server does not close one as the client reuses it.
      MEMOS_KEEP_ALIVE_TIMEOUT_MS: '120000',
    },
    healthPath: '/health/ready',
    ...(profileDir === undefined ? {} : { profileDir }),
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
