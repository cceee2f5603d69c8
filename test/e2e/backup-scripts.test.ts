// The server-mode backup scripts in deploy/backup/, run as an operator runs them: pg-backup.sh and
// pg-restore.sh against the real PostgreSQL (a schema of this test's own), redis-backup.sh against
// a redis-server of this test's own with AOF on. What was written before the backup is served again
// after the restore.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from '../../src/storage/postgres/test-databases.js';
import { freePort } from '../support/free-port.js';
import { connectTestRedis, removeKeys, testPrefix, TEST_REDIS_URL } from '../../src/storage/redis/test-redis.js';
import { redisServerMissing } from '../support/redis-server.js';
import { startTestMemos } from '../support/test-memos.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'memos-backup-scripts-'));
const toolsMissing = ['pg_dump', 'pg_restore', 'psql', 'redis-cli'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const pgUp = await postgresReachable();
if (servicesRequired && (!pgUp || toolsMissing.length > 0 || redisServerMissing() !== '')) {
  throw new Error(`the backup scripts need PostgreSQL, redis-server and ${toolsMissing.join(', ') || 'the client tools'}`);
}

const script = (name: string, args: string[], env: Record<string, string>) =>
  spawnSync('bash', [join(ROOT, 'deploy/backup', name), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!pgUp || toolsMissing.length > 0)('pg-backup.sh and pg-restore.sh', () => {
  const schema = freshSchema();
  const prefix = testPrefix();
  const env = { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: prefix };
  afterAll(async () => {
    await dropSchema(schema);
    const redis = await connectTestRedis();
    if ('client' in redis) {
      await removeKeys(redis.client, prefix);
      redis.client.disconnect();
    }
  });

  it('dump memOS schema while it serves, and restore it in one transaction', async () => {
    const memos = await startTestMemos(env);
    let ids: string[];
    try {
      const written = await memos.json('POST', '/api/v1/memories', { namespace: 'pgb', memories: [{ content: 'The user keeps a kayak named Bluefin', userId: 'u1' }, { content: 'The user brews coffee with a moka pot' }] });
      expect(written.status).toBe(201);
      ids = written.body.ids as string[];
      const dump = join(scratch, 'memos.dump');
      const backup = script('pg-backup.sh', [dump], env);
      expect(backup.status, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(new RegExp(`pg_dump of schema ${schema} written: .*memos\\.dump \\(\\d+ bytes, \\d+ tables with data, schema version \\d+\\)`));
      expect(script('pg-backup.sh', [dump], env).stderr).toMatch(/exists already/);
    } finally {
      await memos.close();
    }

    // Losing data after the backup, then restoring.
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DELETE FROM ${schema}.memory_history; DELETE FROM ${schema}.memories`);
    await client.end();
    const dump = join(scratch, 'memos.dump');
    const refused = script('pg-restore.sh', [dump], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`the schema '${schema}' exists already; stop memOS and pass --force`));
    const elsewhere = script('pg-restore.sh', [dump], { ...env, MEMOS_DATABASE_SCHEMA: 'memos_other' });
    expect(elsewhere.stderr).toMatch(new RegExp(`holds the schema '${schema}', not 'memos_other'`));
    const notDump = script('pg-restore.sh', [join(ROOT, 'package.json')], env);
    expect(notDump.stderr).toMatch(/is not a pg_dump custom-format file/);
    const restored = script('pg-restore.sh', [dump, '--force'], env);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`restored schema ${schema} from`));

    const again = await startTestMemos(env);
    try {
      for (const id of ids) expect((await again.json('GET', `/api/v1/memories/${id}?namespace=pgb`)).status).toBe(200);
      const search = await again.json('POST', '/api/v1/search', { namespace: 'pgb', query: 'kayak', mode: 'keyword' });
      expect(search.body.hits.map((hit: { id: string }) => hit.id)).toContain(ids[0]);
    } finally {
      await again.close();
    }
  }, 120_000);
});

async function redisWithAof(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not answer in 10 s');
}

describe.skipIf(redisServerMissing() !== '' || toolsMissing.includes('redis-cli'))('redis-backup.sh', () => {
  it('copies the AOF (or the RDB file) from which a fresh Redis has every key', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(scratch, 'redis-'));
    const redis = await redisWithAof(dir, port);
    const cli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
    try {
      for (let i = 0; i < 50; i++) cli('SET', `bk:session:${i}`, `state ${i}`);
      const env = { MEMOS_REDIS_URL: `redis://127.0.0.1:${port}` };
      const aof = script('redis-backup.sh', [join(scratch, 'aof')], env);
      expect(aof.status, aof.stderr).toBe(0);
      expect(aof.stdout).toMatch(/Redis AOF folder appendonlydir copied to/);
      expect(cli('CONFIG', 'GET', 'auto-aof-rewrite-percentage').split('\n')[1]).toBe('100');
      const rdb = script('redis-backup.sh', [join(scratch, 'rdb'), '--rdb'], env);
      expect(rdb.status, rdb.stderr).toBe(0);
      expect(rdb.stdout).toMatch(/Redis RDB file dump\.rdb copied to/);
    } finally {
      redis.kill('SIGKILL');
      await once(redis, 'exit').catch(() => undefined);
    }
    // A restore: a fresh Redis started on the copied append-only folder.
    const fresh = mkdtempSync(join(scratch, 'redis-restored-'));
    cpSync(join(scratch, 'aof', 'appendonlydir'), join(fresh, 'appendonlydir'), { recursive: true });
    const restored = await redisWithAof(fresh, port);
    try {
      expect(spawnSync('redis-cli', ['-p', String(port), 'DBSIZE'], { encoding: 'utf8' }).stdout.trim()).toBe('50');
      expect(spawnSync('redis-cli', ['-p', String(port), 'GET', 'bk:session:7'], { encoding: 'utf8' }).stdout.trim()).toBe('state 7');
    } finally {
      restored.kill('SIGKILL');
      await once(restored, 'exit').catch(() => undefined);
    }
  }, 60_000);
});
