// A first start as a new user makes it: no model at hand, embeddings off on purpose, a wrong model path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { memosCommand } from '../support/cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Nothing listens on port 1: a model download fails at once, as on a machine without network. */
const NO_HUB = 'http://127.0.0.1:1';

let server: ServerProcess | undefined;
const folders: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const freshFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'memos-first-run-'));
  folders.push(folder);
  return folder;
};
/** The environment of a user who set nothing about embeddings. */
const plain = (env: Record<string, string>) => ({ MEMOS_MODEL2VEC_PATH: '', MEMOS_EMBEDDER: '', ...env });
const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('first run', () => {
  it('without a model: one short log line names MEMOS_MODEL2VEC_PATH and MEMOS_EMBEDDER=none, and /health gives the reason', async () => {
    server = await startServerProcess(plain({ MEMOS_DATA_DIR: freshFolder(), MEMOS_HF_ENDPOINT: NO_HUB }));
    const warnings = () => server!.logs.map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown }).filter((entry) => entry.level >= 40);
    await until(() => warnings().length > 0, 'the warning');
    const [warning, ...others] = warnings();
    expect(others).toEqual([]);
    expect(warning!.msg).toMatch(/^no embedding model: .*keyword-only\. Set MEMOS_MODEL2VEC_PATH .* or MEMOS_EMBEDDER=none/);
    expect(warning!.msg.length).toBeLessThan(400);
    expect(warning).not.toHaveProperty('err'); // no stack trace on a first start

    const health = await getJson(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^model: .*keyword-only/)]));
    // The cache answers its statistics without a model.
    const stats = await getJson(`${server.baseUrl}/api/v1/embeddings/cache/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ hits: 0, misses: 0, entries: 0, embedder: { state: 'failed' } });
    expect((await getJson(`${server.baseUrl}/v1/models`)).body).toEqual({ object: 'list', data: [] });
  });

  it('with MEMOS_EMBEDDER=none: a healthy, keyword-only service, without a warning', async () => {
    server = await startServerProcess(plain({ MEMOS_DATA_DIR: freshFolder(), MEMOS_EMBEDDER: 'none' }));
    const health = await getJson(`${server.baseUrl}/health`);
    expect(health.body).toMatchObject({ status: 'healthy', reasons: [] });
    const detailed = await getJson(`${server.baseUrl}/health/detailed`);
    expect(detailed.body.components.embedder).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/MEMOS_EMBEDDER=none.*keyword-only/) });
    expect(detailed.body.components.model.status).toBe('healthy');
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/memos_component_health\{component="embedder"\} 1/);
    expect((await getJson(`${server.baseUrl}/api/v1/embeddings/cache/stats`)).body).toMatchObject({ hits: 0, entries: 0, embedder: { state: 'disabled' } });
    const cleared = await fetch(`${server.baseUrl}/api/v1/embeddings/cache/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(cleared.status).toBe(200);
    const levels = server.logs.map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.filter((level) => level >= 40)).toEqual([]);
  });

  it('with a MEMOS_MODEL2VEC_PATH that does not exist: start-up stops with exit code 78, naming it', () => {
    const missing = join(freshFolder(), 'no-such-model');
    const run = spawnSync(process.execPath, [...memosCommand(), 'serve', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...plain({ MEMOS_DATA_DIR: freshFolder(), MEMOS_MODEL2VEC_PATH: missing }) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain(`MEMOS_MODEL2VEC_PATH (embeddings.path) names ${missing}, which does not exist`);
  });
});
