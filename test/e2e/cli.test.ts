// `memos` as a user runs it: a real process, real exit codes and messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';
import { memosCommand } from '../support/cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'memos-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const memos = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...memosCommand(), ...args], {
    cwd: ROOT,
    env: { ...process.env, MEMOS_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

// Each `memos` run starts Node with the TypeScript loader: seconds apiece on a loaded machine.
const SLOW = { timeout: 60_000 };

describe('memos CLI', () => {
  it('prints usage and version', () => {
    expect(memos(['--help']).stdout).toMatch(/memos serve/);
    expect(memos(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses to start on a bad setting, naming it, with exit code 78', SLOW, () => {
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

  it.each([
    [['serve', '--help'], 'Usage: memos serve'],
    [['serve', '--port', '1', '-h'], 'Usage: memos serve'],
    [['reindex', '--help'], 'Usage: memos reindex'],
    [['help', 'serve'], 'Usage: memos serve'],
    [['keys', 'create', '--help'], 'Usage: memos keys create --role ROLE'],
    [['help', 'keys'], 'Usage: memos keys create --role ROLE'],
    [['help'], 'memos keys create --role read|write|admin'],
  ])('answers memos %j with usage and exit code 0, doing nothing else', (args, usage) => {
    const result = memos(args);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(usage);
    expect(result.stdout).not.toContain('memOS is listening');
  });

  it('answers help for an unknown command with exit code 2', () => {
    const result = memos(['help', 'serv']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'serv'/);
  });

  it('memos reindex --url without a scheme reaches the server over http', SLOW, async () => {
    const server = await startServerProcess({ MEMOS_DATA_DIR: join(dataDir, 'reindex-url'), MEMOS_EMBEDDER: 'none' });
    try {
      const hostPort = server.baseUrl.replace('http://', '');
      // No embedder on that server: the answer proves the request arrived.
      const result = memos(['reindex', '--url', hostPort, '--no-wait']);
      expect(result.stderr).toContain('E_UNAVAILABLE: no embedder is ready');
      expect(result.status).toBe(1);
      const slash = memos(['reindex', '--url', `${hostPort}/`, '--no-wait']);
      expect(slash.stderr).toContain('E_UNAVAILABLE: no embedder is ready');
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['ftp://127.0.0.1:7420', /--url 'ftp:\/\/127\.0\.0\.1:7420' must be an http:\/\/ or https:\/\/ URL/],
    ['not a url', /--url 'not a url' is not a URL; give the server as http:\/\/HOST:PORT/],
    ['http://127.0.0.1:7420/?x=1', /--url must be the server's base URL/],
  ])('memos reindex --url %s says what is wrong, with exit code 78', (url, message) => {
    const result = memos(['reindex', '--url', url]);
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(message);
  });

  it('memos reindex --interval-ms that is not a number says so, with exit code 78', () => {
    const result = memos(['reindex', '--url', '127.0.0.1:9', '--interval-ms', 'soon']);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain("--interval-ms 'soon' must be a whole number of milliseconds");
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
