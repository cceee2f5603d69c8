// `memos stats` as an operator runs it, against a real server process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const ADMIN = 'an-admin-key-for-the-stats-e2e-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'memos-stats-e2e-'));
let server: ServerProcess;

const call = async (method: string, path: string, body?: unknown, key = ADMIN) => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return response.json() as Promise<Record<string, unknown>>;
};

beforeAll(async () => {
  server = await startServerProcess({ MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'none', MEMOS_ADMIN_KEY: ADMIN });
  await call('POST', '/api/v1/episodes', { namespace: 'team', userId: 'alice', episodes: [{ kind: 'observation', content: 'alice booked a flight to Oslo' }, { kind: 'message', role: 'user', content: 'hello' }] });
  const written = (await call('POST', '/api/v1/memories', { namespace: 'team', userId: 'alice', memories: [{ content: 'alice likes window seats' }] })) as { ids: string[] };
  await call('PATCH', `/api/v1/memories/${written.ids[0]}?namespace=team`, { content: 'alice likes aisle seats' });
  await call('POST', '/api/v1/memories', { namespace: 'team', userId: 'bob', memories: [{ content: 'bob cycles to work', kind: 'preference' }] });
  await call('PUT', '/api/v1/sessions/chat-1', { namespace: 'team', userId: 'bob', messages: [{ role: 'user', content: 'hi' }], ttlSeconds: 300 });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('memos stats', () => {
  it('prints every namespace with its counts', async () => {
    const run = await runMemos(['stats', '--url', server.baseUrl, '--admin-key', ADMIN]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^namespace\s+episodes\s+memories\s+sessions\s+users$/);
    expect(lines).toContainEqual(expect.stringMatching(/^team\s+2\s+2\s+1\s+2$/));
  });

  it('prints a namespace as a table: tiers and kinds, sessions expiring, vectors, history and bytes', async () => {
    const run = await runMemos(['stats', '--url', server.baseUrl, '--namespace', 'team'], { MEMOS_ADMIN_KEY: ADMIN });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/^namespace team \(at \d{4}-/);
    expect(out).toMatch(/^sessions\s+live\s+1$/m);
    expect(out).toMatch(/^\s+expiring within 10 min\s+1$/m);
    expect(out).toMatch(/^episodes\s+all\s+2\s+\d{4}-\S+\s+\d{4}-\S+$/m);
    expect(out).toMatch(/^\s+observation\s+1$/m);
    expect(out).toMatch(/^memories\s+all\s+2 /m);
    expect(out).toMatch(/^\s+history versions\s+1$/m);
    expect(out).toMatch(/^episodes\s+\(waiting for the embedder\)\s+2$/m);
    expect(out).toMatch(/^no embedder configured$/m);
    expect(out).toMatch(/^bytes on disk \(the whole sqlite database, whatever the scope\): [\d.]+ [KM]?B$/m);
    expect(out).not.toContain('Oslo');
  });

  it('prints one user with --json as the server answers it', async () => {
    const run = await runMemos(['stats', '--url', server.baseUrl, '--admin-key', ADMIN, '--namespace', 'team', '--user', 'bob', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const stats = JSON.parse(run.stdout);
    expect(stats).toMatchObject({ namespace: 'team', userId: 'bob', sessions: { live: 1, expiring: 1 }, episodes: { count: 0 }, memories: { count: 1, byKind: { preference: 1 } } });
  });

  it('says why a key that may not inspect is refused', async () => {
    const reader = (await call('POST', '/api/v1/admin/keys', { role: 'read', namespaces: ['team'] })) as { key: string };
    const run = await runMemos(['stats', '--url', server.baseUrl, '--admin-key', reader.key, '--namespace', 'team']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/E_FORBIDDEN: memOS at http:\/\/127\.0\.0\.1:\d+ refused: this key's role is read; GET \/api\/v1\/stats needs write/);
  });
});
