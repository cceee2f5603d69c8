// `memos serve` refusing to start, as an operator sees it: exit code 78 and a message naming the
// setting (and where it was set); one memOS per data folder; unknown MEMOS_* variables warned about.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, removeKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { scratchSpace } from '../support/scratch-space.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { memosCommand } from '../support/cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { scratch, running, freshFolder } = scratchSpace('memos-start-up-');

/** `memos serve` as a user runs it, on a free port unless the test says otherwise. */
const serve = (env: Record<string, string>, args: string[] = ['--port', '0']) =>
  spawnSync(process.execPath, [...memosCommand(), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, MEMOS_EMBEDDER: 'none', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ MEMOS_EMBEDDER: 'none', ...env });
  running.push(server);
  return server;
}

// Each test starts one to three processes of `memos serve`, each some seconds under load.
const SLOW = { timeout: 60_000 };

describe('one memOS per data folder', () => {
  it('a second memos serve on the same data folder exits at once with 78, naming the folder and the process that holds it', SLOW, async () => {
    const folder = freshFolder();
    const first = await start({ MEMOS_DATA_DIR: folder });
    const second = serve({ MEMOS_DATA_DIR: folder });
    expect(second.status).toBe(78);
    expect(second.stderr).toContain(`E_CONFIG: the data folder ${folder} (MEMOS_DATA_DIR) is in use by process ${first.child.pid} on host`);
    expect(second.stdout).not.toContain('memOS is listening');
    expect((await fetch(`${first.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('serves the folder again at once after the holder was killed (no stale lock)', SLOW, async () => {
    const folder = freshFolder();
    const first = await start({ MEMOS_DATA_DIR: folder });
    await first.stop('SIGKILL');
    const second = await start({ MEMOS_DATA_DIR: folder });
    expect((await fetch(`${second.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('frees the folder on a clean shutdown', SLOW, async () => {
    const folder = freshFolder();
    const first = await start({ MEMOS_DATA_DIR: folder });
    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await start({ MEMOS_DATA_DIR: folder });
    expect((await fetch(`${second.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('lets replicas in server mode share a data folder, which then holds only models', SLOW, async (context) => {
    const redis = await connectTestRedis();
    if (!(await postgresReachable()) || !('client' in redis)) {
      if (servicesRequired) throw new Error('PostgreSQL or Redis is unreachable');
      context.skip();
      return;
    }
    const schema = freshSchema();
    const prefix = testPrefix();
    const folder = freshFolder();
    const env = { MEMOS_DATA_DIR: folder, MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: prefix };
    try {
      const first = await start(env);
      const second = await start(env);
      expect((await fetch(`${first.baseUrl}/health/ready`)).status).toBe(200);
      expect((await fetch(`${second.baseUrl}/health/ready`)).status).toBe(200);
      await first.stop();
      await second.stop();
    } finally {
      await dropSchema(schema);
      await removeKeys(redis.client, prefix);
      redis.client.disconnect();
    }
  });
});

describe('start-up errors name the setting and exit 78', () => {
  let occupied: Server | undefined;
  afterAll(() => occupied?.close());

  it('a port in use, named by MEMOS_PORT or --port', SLOW, async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied!.listen(0, '127.0.0.1', resolve));
    const port = (occupied.address() as { port: number }).port;
    const fromEnv = serve({ MEMOS_DATA_DIR: freshFolder(), MEMOS_PORT: String(port) }, []);
    expect(fromEnv.status).toBe(78);
    expect(fromEnv.stderr).toContain(`E_CONFIG: MEMOS_PORT=${port}: port ${port} on 127.0.0.1 is already in use`);
    const fromFlag = serve({ MEMOS_DATA_DIR: freshFolder() }, ['--port', String(port)]);
    expect(fromFlag.status).toBe(78);
    expect(fromFlag.stderr).toContain(`E_CONFIG: --port ${port}: port ${port} on 127.0.0.1 is already in use`);
  });

  it('a host that is not an address of this machine, named by MEMOS_HOST', SLOW, () => {
    const result = serve({ MEMOS_DATA_DIR: freshFolder(), MEMOS_HOST: '192.0.2.1' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('E_CONFIG: MEMOS_HOST=192.0.2.1: 192.0.2.1 is not an address of this machine');
  });

  it('a data folder that is a file, or sits under one', SLOW, () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    const isFile = serve({ MEMOS_DATA_DIR: file });
    expect(isFile.status).toBe(78);
    expect(isFile.stderr).toContain(`E_CONFIG: invalid configuration: MEMOS_DATA_DIR=${file}: the data folder ${file} is a file, not a folder`);
    const under = serve({}, ['--port', '0', '--data-dir', join(file, 'data')]);
    expect(under.status).toBe(78);
    expect(under.stderr).toContain(`--data-dir ${join(file, 'data')}: the data folder ${join(file, 'data')} cannot be created: ${file} is a file, not a folder`);
  });

  it('a data folder that cannot be created, or is not writable', SLOW, () => {
    // As root, permissions do not stop writes: sysfs refuses new entries to everyone.
    const root = process.getuid?.() === 0;
    const locked = join(scratch, 'read-only');
    mkdirSync(locked);
    if (!root) chmodSync(locked, 0o500);
    const uncreatable = root ? '/sys/memos-cannot-exist' : join(locked, 'data');
    const created = serve({ MEMOS_DATA_DIR: uncreatable });
    expect(created.status).toBe(78);
    expect(created.stderr).toMatch(new RegExp(`MEMOS_DATA_DIR=${uncreatable}: the data folder ${uncreatable} cannot be created \\((EACCES|EPERM|EROFS)`));
    const unwritable = root ? '/sys/kernel' : locked;
    const written = serve({ MEMOS_DATA_DIR: unwritable });
    expect(written.status).toBe(78);
    expect(written.stderr).toMatch(new RegExp(`MEMOS_DATA_DIR=${unwritable}: the data folder ${unwritable} is not writable \\((EACCES|EPERM|EROFS)`));
  });

  it('a data folder set in the config file is named by its key there', SLOW, () => {
    const folder = join(scratch, 'config-file');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a-file'), '');
    writeFileSync(join(folder, 'memos.json'), JSON.stringify({ dataDir: join(folder, 'a-file', 'data') }));
    const result = serve({ MEMOS_DATA_DIR: '' }, ['--port', '0', '--config', join(folder, 'memos.json')]);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(`dataDir ${join(folder, 'a-file', 'data')} in ${join(folder, 'memos.json')}: the data folder`);
  });

  it('a config file that is not valid JSON, with its line and column', SLOW, () => {
    const file = join(scratch, 'broken.json');
    writeFileSync(file, '{\n  "server": {\n    "port": 7420,\n  }\n}\n');
    const result = serve({ MEMOS_DATA_DIR: freshFolder() }, ['--config', file]);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(`config file ${file} is not valid JSON at line 4, column 3`);
  });
});

describe('unknown MEMOS_* variables', () => {
  it('are listed in one warning at start, with the setting a near miss most likely means', SLOW, async () => {
    const server = await start({ MEMOS_DATA_DIR: freshFolder(), MEMOS_PROT: '7000', MEMOS_MAX_BODY_BYTE: '1', MEMOS_NOTHING_LIKE_IT: 'x', MEMOS_TEST_ANYTHING: 'x' });
    const warnings = server.logs.map((line) => JSON.parse(line) as { level: number; msg: string; variables?: string[] }).filter((entry) => entry.level === 40 && entry.variables);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.variables).toEqual(['MEMOS_MAX_BODY_BYTE (did you mean MEMOS_MAX_BODY_BYTES?)', 'MEMOS_NOTHING_LIKE_IT', 'MEMOS_PROT (did you mean MEMOS_PORT?)']);
  });
});
