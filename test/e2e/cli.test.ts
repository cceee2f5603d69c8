// `memos` as a user runs it: a real process, real exit codes and messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'memos-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const memos = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, MEMOS_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('memos CLI', () => {
  it('prints usage and version', () => {
    expect(memos(['--help']).stdout).toMatch(/memos serve/);
    expect(memos(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses to start on a bad setting, naming it, with exit code 78', () => {
    const fromEnv = memos(['serve'], { MEMOS_PORT: 'lots' });
    expect(fromEnv.status).toBe(78);
    expect(fromEnv.stderr).toMatch(/E_CONFIG: invalid configuration: MEMOS_PORT/);
    const fromFlag = memos(['serve', '--port', '99999']);
    expect(fromFlag.status).toBe(78);
    expect(fromFlag.stderr).toMatch(/--port/);
    const unknownFlag = memos(['serve', '--prot', '1']);
    expect(unknownFlag.status).toBe(78);
    expect(unknownFlag.stderr).toMatch(/--prot/);
  });

  it('rejects an unknown command', () => {
    const result = memos(['serv']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'serv'/);
  });

  it('serves, and shuts down cleanly on SIGTERM', async () => {
    const server = await startServerProcess({ MEMOS_DATA_DIR: dataDir });
    const health = await fetch(`${server.baseUrl}/health/ready`);
    expect(health.status).toBe(200);
    const write = await fetch(`${server.baseUrl}/api/v1/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ memories: [{ content: 'written before a clean stop' }] }),
    });
    expect(write.status).toBe(201);
    expect(await server.stop('SIGTERM')).toBe(0);
    const requestLines = server.logs.map((line) => JSON.parse(line) as { msg: string; route?: string; status?: number }).filter((entry) => entry.msg === 'request');
    expect(requestLines).toContainEqual(expect.objectContaining({ route: '/api/v1/memories', status: 201 }));
  });
});
