// A real `memos serve` child process for the limit benchmarks, from any source tree (this one, or
// an export of an earlier commit to compare with), with its peak RSS read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BenchServer {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  /** Resident set size now, and its high-water mark since start, in bytes (Linux /proc). */
  rss(): { now: number; peak: number };
  stop(): Promise<void>;
}

const kib = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;

/** Starts `memos serve` from `root` on a free loopback port, with a fresh data folder and no embedder. */
export async function startBenchServer(root: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-bench-limits-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--host', '127.0.0.1', '--port', '0'], {
    cwd: root,
    env: { ...process.env, MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'none', MEMOS_LOG_LEVEL: 'info', MEMOS_SQLITE_SYNCHRONOUS: 'normal', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('memos serve did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`memos serve exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('memOS is listening')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { address: string }).address);
    });
  });
  return {
    child,
    baseUrl,
    port: Number(new URL(baseUrl).port),
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return { now: kib(status, 'VmRSS'), peak: kib(status, 'VmHWM') };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `--name value` from argv, or the fallback. */
export function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

export const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
