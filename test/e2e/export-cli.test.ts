// `memos export` and `memos import` as an operator runs them, against real server processes:
// the file moves a namespace to another server, progress goes to stderr, a bad line is named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const folder = mkdtempSync(join(tmpdir(), 'memos-export-cli-'));
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(folder, { recursive: true, force: true });
});

const start = async (name: string) => {
  const server = await startServerProcess({ MEMOS_DATA_DIR: join(folder, name), MEMOS_EMBEDDER: 'none' });
  servers.push(server);
  return server;
};
const post = (server: ServerProcess, path: string, body: unknown) =>
  fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const exported = async (server: ServerProcess) => (await (await fetch(`${server.baseUrl}/api/v1/export?namespace=team`)).text()).replace(/"exportedAt":"[^"]+"/, '');

describe('memos export and memos import', () => {
  it('move a namespace to another server through a file, and name a bad line', async () => {
    const source = await start('source');
    await post(source, '/api/v1/memories', { namespace: 'team', userId: 'ana', memories: [{ content: 'Ana prefers tea 🍵' }, { content: 'Ana lives in Lisboa' }] });
    await post(source, '/api/v1/episodes', { namespace: 'team', episodes: [{ kind: 'observation', content: 'Deployed release 42 ✅' }] });
    const file = join(folder, 'team.ndjson');
    const out = await runMemos(['export', '--url', source.baseUrl, '--namespace', 'team', '--out', file]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/0 sessions, 1 episodes, 2 memories/);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);

    const target = await start('target');
    const imported = await runMemos(['import', file, '--url', target.baseUrl]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ memories: { created: 2 }, episodes: { created: 1 } });
    expect(await exported(target)).toBe(await exported(source));

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    lines[2] = lines[2]!.replace('"importance":0.5', '"importance":7');
    const bad = join(folder, 'bad.ndjson');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const refused = await runMemos(['import', bad, '--url', target.baseUrl, '--namespace', 'other']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/line 3: memory\.importance: .*nothing was imported/);
  }, 60_000);

  it('bring back a logical backup of every namespace (memos backup --url) with one memos import', async () => {
    const source = await start('backup-source');
    await post(source, '/api/v1/memories', { namespace: 'alpha', userId: 'ana', memories: [{ content: 'Ana prefers tea 🍵' }] });
    await post(source, '/api/v1/memories', { namespace: 'beta', userId: 'bo', memories: [{ content: 'Bo cycles to work' }, { content: 'Bo speaks Yorùbá' }] });
    await post(source, '/api/v1/episodes', { namespace: 'beta', episodes: [{ kind: 'observation', content: 'Bo joined the team' }] });
    const file = join(folder, 'logical.ndjson');
    const backup = await runMemos(['backup', '--url', source.baseUrl, '--out', file]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(readFileSync(file, 'utf8').match(/"type":"header"/g)).toHaveLength(2);

    const target = await start('backup-target');
    const refused = await runMemos(['import', file, '--url', target.baseUrl, '--namespace', 'gamma']);
    expect(refused.status).toBe(78);
    expect(refused.stderr).toMatch(/--namespace: .* holds 2 exports/);
    const imported = await runMemos(['import', file, '--url', target.baseUrl]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject([
      { namespace: 'alpha', memories: { created: 1 } },
      { namespace: 'beta', memories: { created: 2 }, episodes: { created: 1 } },
    ]);
    for (const namespace of ['alpha', 'beta']) {
      const text = async (server: ServerProcess) => (await (await fetch(`${server.baseUrl}/api/v1/export?namespace=${namespace}`)).text()).replace(/"exportedAt":"[^"]+"/, '');
      expect(await text(target)).toBe(await text(source));
    }
  }, 60_000);
});
