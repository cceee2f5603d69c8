// Revocation across replicas in server mode: two `memos serve` processes on one PostgreSQL schema
// (and one Redis prefix). A key revoked on one, or by `memos keys` on PostgreSQL itself, is
// refused by every replica within a few seconds (KEY_CACHE_MS).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_CACHE_MS } from '../../src/auth/key-service.js';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, removeKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const ADMIN = 'an-admin-key-for-the-replica-tests-0123456789';
const scratch = mkdtempSync(join(tmpdir(), 'memos-key-revocation-'));
const running: ServerProcess[] = [];
const schema = freshSchema();
const prefix = testPrefix();
const redis = await connectTestRedis();
const reachable = (await postgresReachable()) && 'client' in redis;
if (!reachable && servicesRequired) throw new Error(`MEMOS_REQUIRE_SERVICES=1 but PostgreSQL (${POSTGRES_URL}) or Redis is unreachable`);
afterAll(async () => {
  for (const server of running) await server.stop();
  if (reachable) await dropSchema(schema);
  if ('client' in redis) {
    await removeKeys(redis.client, prefix);
    redis.client.disconnect();
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** What every replica, and `memos keys` on the storage itself, is configured with. */
const serverMode = { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: prefix, MEMOS_DATA_DIR: join(scratch, 'models') };

const status = async (server: ServerProcess, key: string) => (await fetch(`${server.baseUrl}/api/v1/memories`, { headers: { authorization: `Bearer ${key}` } })).status;

/** Polls until `check` holds; returns the milliseconds it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

describe.skipIf(!reachable)('key revocation across replicas (PostgreSQL and Redis)', () => {
  it('a key revoked on one replica, or by memos keys on PostgreSQL, is refused by every replica within seconds', { timeout: 120_000 }, async (context) => {
    const env = { ...serverMode, MEMOS_EMBEDDER: 'none', MEMOS_ADMIN_KEY: ADMIN };
    const [a, b] = [await startServerProcess(env), await startServerProcess(env)];
    running.push(a!, b!);

    const made = await fetch(`${a!.baseUrl}/api/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent', role: 'read', namespaces: ['*'] }),
    });
    expect(made.status).toBe(201);
    const { id, key } = (await made.json()) as { id: string; key: string };
    // B knows the key made on A, and now holds it in its cache.
    expect(await status(b!, key)).toBe(200);
    expect(await status(a!, key)).toBe(200);

    expect((await fetch(`${a!.baseUrl}/api/v1/admin/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(204);
    expect(await status(a!, key)).toBe(401);
    const onB = await within(KEY_CACHE_MS + 3_000, async () => (await status(b!, key)) === 401);
    context.annotate(`replica B refused the key revoked on A after ${onB} ms (KEY_CACHE_MS ${KEY_CACHE_MS})`);

    // memos keys on PostgreSQL itself, while both replicas serve it.
    const cli = await runMemos(['keys', 'create', '--role', 'write', '--namespaces', 'team-a', '--json'], serverMode);
    expect(cli.status, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as { id: string; key: string };
    expect(cli.stderr).not.toContain('made key'); // --json: the answer alone
    const write = (server: ServerProcess) =>
      fetch(`${server.baseUrl}/api/v1/memories`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fromCli.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ memories: [{ content: `written on ${server === a ? 'A' : 'B'}` }] }),
      });
    expect((await write(a!)).status).toBe(201);
    expect((await write(b!)).status).toBe(201);

    const revoked = await runMemos(['keys', 'revoke', fromCli.id], serverMode);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`(schema ${schema})`);
    const onBoth = await within(KEY_CACHE_MS + 3_000, async () => (await write(a!)).status === 401 && (await write(b!)).status === 401);
    context.annotate(`both replicas refused the key memos keys revoked ${onBoth} ms after it exited`);

    const listed = await runMemos(['keys', 'list', '--json'], serverMode);
    const { items } = JSON.parse(listed.stdout) as { items: Array<{ id: string; revokedAt?: string }> };
    expect(items.map((item) => [item.id, item.revokedAt !== undefined])).toEqual([
      [fromCli.id, true],
      [id, true],
    ]);
  });
});
