// MEMOS_AUTH as an operator meets it: real `memos serve` processes, keys made with the real CLI
// on the data folder while memOS serves it.
import { describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { scratchSpace } from '../support/scratch-space.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const { running, freshFolder } = scratchSpace('memos-auth-modes-');

const memos = (args: string[], env: Record<string, string>) => runMemos(args, { MEMOS_EMBEDDER: 'none', ...env });

async function start(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const server = await startServerProcess({ MEMOS_EMBEDDER: 'none', MEMOS_ADMIN_KEY: '', ...env }, args);
  running.push(server);
  return server;
}

/** The server's loopback URL, also when it listens on every address. */
const loopbackUrl = (server: ServerProcess) => `http://127.0.0.1:${new URL(server.baseUrl).port}`;

const get = (url: string, key?: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
  fetch(url, { headers: key === undefined ? {} : { [header]: header === 'authorization' ? `Bearer ${key}` : key } });

/** Polls until `check` holds; returns the milliseconds it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

const SLOW = { timeout: 120_000 };

describe('MEMOS_AUTH', () => {
  it('refuses to start beyond loopback while no key exists, saying how to make one (exit 78)', SLOW, async () => {
    const refused = await memos(['serve', '--port', '0'], { MEMOS_DATA_DIR: freshFolder(), MEMOS_HOST: '0.0.0.0' });
    expect(refused.status).toBe(78);
    expect(refused.stderr).toContain('E_CONFIG: memOS listens on 0.0.0.0, beyond loopback, and no API key exists');
    expect(refused.stderr).toContain('memos keys create --role admin');
    expect(refused.stderr).toContain('MEMOS_ADMIN_KEY');
    expect(refused.stdout).not.toContain('memOS is listening');
  });

  it('off beyond loopback: serves without keys, and says so loudly in the log and on /health/detailed', SLOW, async () => {
    const server = await start({ MEMOS_DATA_DIR: freshFolder(), MEMOS_AUTH: 'off' }, ['--host', '0.0.0.0']);
    const base = loopbackUrl(server);
    expect((await get(`${base}/api/v1/memories`)).status).toBe(200);
    const warnings = server.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40 && entry.msg.startsWith('SECURITY WARNING'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('MEMOS_AUTH=off while memOS listens on 0.0.0.0, beyond loopback');
    const detailed = (await (await get(`${base}/health/detailed`)).json()) as { warnings?: string[] };
    expect(detailed.warnings).toEqual([expect.stringContaining('MEMOS_AUTH=off while memOS listens on 0.0.0.0')]);
  });

  it('required on loopback: refuses every request without a valid key but the probes, and takes a key made meanwhile', SLOW, async () => {
    const folder = freshFolder();
    const server = await start({ MEMOS_DATA_DIR: folder, MEMOS_AUTH: 'required' });
    const base = server.baseUrl;
    const refused = await get(`${base}/api/v1/memories`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="memOS"');
    expect((await get(`${base}/health/detailed`)).status).toBe(401);
    expect((await get(`${base}/health/live`)).status).toBe(200);
    expect((await get(`${base}/health/ready`)).status).toBe(200);
    expect((await get(`${base}/openapi.json`)).status).toBe(200);
    const warned = server.logs.some((line) => (JSON.parse(line) as { msg: string }).msg.startsWith('SECURITY WARNING: MEMOS_AUTH=required and no API key exists yet'));
    expect(warned).toBe(true);

    const made = await memos(['keys', 'create', '--role', 'read', '--namespaces', 'default'], { MEMOS_DATA_DIR: folder });
    expect(made.status, made.stderr).toBe(0);
    const key = made.stdout.trim();
    await within(5_000, async () => (await get(`${base}/api/v1/memories`, key, 'x-api-key')).status === 200);
    expect((await get(`${base}/api/v1/memories`, key)).status).toBe(200);
    expect((await get(`${base}/api/v1/memories`, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).status).toBe(401);
    expect((await get(`${base}/api/v1/memories`)).status).toBe(401);
  });

  it('auto on loopback: needs no key until one exists; then every request but the probes needs one, within seconds of the CLI making it', SLOW, async (context) => {
    const folder = freshFolder();
    const server = await start({ MEMOS_DATA_DIR: folder });
    const base = server.baseUrl;
    const open = await fetch(`${base}/api/v1/memories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ memories: [{ content: 'written before any key' }] }) });
    expect(open.status).toBe(201);
    expect((await get(`${base}/health/detailed`)).status).toBe(200);

    // Both keys are written into the database memOS is serving, by another process.
    const admin = await memos(['keys', 'create', '--role', 'admin', '--name', 'ops'], { MEMOS_DATA_DIR: folder });
    expect(admin.status, admin.stderr).toBe(0);
    const adminKey = admin.stdout.trim();
    const tookEffect = await within(5_000, async () => (await get(`${base}/api/v1/memories`)).status === 401);
    context.annotate(`keys were required ${tookEffect} ms after memos keys create exited`);
    for (const path of ['/health/live', '/health/ready', '/openapi.json', '/']) expect((await get(`${base}${path}`)).status, path).toBe(200);
    for (const path of ['/health/detailed', '/metrics', '/api/v1/episodes']) expect((await get(`${base}${path}`)).status, path).toBe(401);
    const listed = (await (await get(`${base}/api/v1/memories`, adminKey)).json()) as { items: Array<{ content: string }> };
    expect(listed.items.map((item) => item.content)).toEqual(['written before any key']);

    const reader = await memos(['keys', 'create', '--role', 'read', '--namespaces', 'default', '--json'], { MEMOS_DATA_DIR: folder });
    const { id, key: readKey } = JSON.parse(reader.stdout) as { id: string; key: string };
    expect((await get(`${base}/api/v1/memories`, readKey)).status).toBe(200);
    const revoked = await memos(['keys', 'revoke', id], { MEMOS_DATA_DIR: folder });
    expect(revoked.status, revoked.stderr).toBe(0);
    const refusedAfter = await within(5_000, async () => (await get(`${base}/api/v1/memories`, readKey)).status === 401);
    context.annotate(`the revoked key was refused ${refusedAfter} ms after memos keys revoke exited`);
    expect((await get(`${base}/api/v1/memories`, adminKey)).status).toBe(200);
  });
});
