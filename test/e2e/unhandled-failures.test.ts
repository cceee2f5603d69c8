// `memos serve` as a real process, meeting a failure that no code handles (see src/cli/process-guards.ts).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const FAULT = ['--import', './test/support/fault-on-signal.ts'];
let server: ServerProcess | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(fault: 'rejection' | 'exception'): Promise<ServerProcess> {
  dataDir = mkdtempSync(join(tmpdir(), 'memos-unhandled-'));
  server = await startServerProcess({ MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'none', MEMOS_TEST_FAULT: fault }, [], { nodeArgs: FAULT });
  return server;
}

/** The first log line whose `msg` matches, within 10 s. */
async function logLine(s: ServerProcess, msg: RegExp): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = s.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => msg.test(String(entry.msg)));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no log line matching ${msg}; logs: ${s.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('memos serve and failures nothing handled', () => {
  it('logs an unhandled promise rejection with the error, and keeps serving', async () => {
    const s = await start('rejection');
    s.child.kill('SIGUSR2');
    const line = await logLine(s, /unhandled promise rejection/);
    expect(line).toMatchObject({ level: 50, event: 'unhandledRejection', err: { type: 'RangeError', message: 'a test fault rejected with no handler' } });
    expect((line.err as { stack?: string }).stack).toContain('fault-on-signal');
    const live = await fetch(`${s.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(s.child.exitCode).toBeNull();
  });

  it('logs an uncaught exception as fatal and exits with code 1, for a supervisor to restart it', async () => {
    const s = await start('exception');
    const exited = once(s.child, 'close'); // after stdout has been read to its end
    s.child.kill('SIGUSR2');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(1);
    const line = await logLine(s, /uncaught exception/);
    expect(line).toMatchObject({ level: 60, event: 'uncaughtException', err: { type: 'TypeError', message: 'a test fault thrown from a timer' } });
  });
});
