// The README's curl walk-through, run as written against a real server process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, failWhenRequired, keysUnder, removeKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'memos-readme-'));
let server: ServerProcess | undefined;
// Each test starts its own server: stop it after the test, passed or failed, so that none outlives the run.
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** The bash blocks of one README section, in order. */
function sectionScript(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith(heading));
  if (!section) throw new Error(`README has no ${heading} section`);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

/** Runs a README script against `baseUrl`, with every curl reporting its status on stderr. */
function runScript(script: string, baseUrl: string) {
  const run = spawnSync(
    'bash',
    ['-c', `set -euo pipefail\ncurl() { command curl -w '%{stderr}@@%{http_code}\\n' "$@"; }\n${script.replace('M=http://127.0.0.1:7420', `M=${baseUrl}`)}`],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { ...run, statuses: [...run.stderr.matchAll(/@@(\d{3})/g)].map((match) => Number(match[1])) };
}

const countCurls = (script: string) => script.match(/(^|\$\(|\s)curl /g)?.length ?? 0;


// The walk-through must work unchanged in server mode: sessions and caches in the local Redis (DESIGN §8), under a prefix of its own.
const redis = await connectTestRedis();
const redisPrefix = testPrefix();
const redisMissing = 'reason' in redis ? redis.reason : '';
afterAll(async () => {
  if ('client' in redis) {
    await removeKeys(redis.client, redisPrefix);
    redis.client.disconnect();
  }
});
failWhenRequired('README walk-through in server mode', redisMissing);

// Full server mode: PostgreSQL in a schema of its own (dropped afterwards), with sessions and caches in Redis.
const pgSchema = freshSchema();
const pgPrefix = testPrefix();
const pgReachable = await postgresReachable();
const serverMissing = [pgReachable ? '' : `PostgreSQL is not reachable at ${POSTGRES_URL}`, redisMissing].filter(Boolean).join('; ');
describe.runIf(process.env.MEMOS_REQUIRE_SERVICES === '1' && !pgReachable)('README walk-through in full server mode (server required)', () => {
  it('reaches PostgreSQL', () => {
    throw new Error(`MEMOS_REQUIRE_SERVICES=1 but PostgreSQL is not reachable at ${POSTGRES_URL}`);
  });
});
afterAll(async () => {
  if (pgReachable) await Promise.all([dropSchema(pgSchema), dropSchema(`${pgSchema}_t`)]);
  if ('client' in redis) await removeKeys(redis.client, pgPrefix);
});

const modes: { mode: string; env: Record<string, string>; skip: string }[] = [
  { mode: 'embedded', env: {}, skip: '' },
  { mode: 'server mode (Redis)', env: { MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: redisPrefix }, skip: redisMissing },
  {
    mode: 'full server mode (PostgreSQL and Redis)',
    env: { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: pgSchema, MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: pgPrefix },
    skip: serverMissing,
  },
];

describe('README walk-through', () => {
  it.for(modes)('works line by line against a running server: $mode', { timeout: 60_000 }, async ({ mode, env, skip }, context) => {
    if (skip) context.skip(skip);
    server = await startServerProcess({ MEMOS_DATA_DIR: join(dataDir, mode.replace(/\W+/g, '-')), ...env });
    const script = sectionScript('Walk-through');
    expect(script).toContain('M=http://127.0.0.1:7420');
    const run = runScript(script, server.baseUrl);
    expect(run.status, run.stderr).toBe(0);
    const { statuses } = run;
    expect(statuses).toHaveLength(countCurls(script));

    // Everything succeeds except the one deliberate bad-input example, which is a 400.
    expect(statuses.filter((status) => status >= 300)).toEqual([400]);
    expect(run.stdout).toContain('"field":"memories[1].importance"');
    expect(run.stdout).toContain('"action":"unchanged"');
    expect(run.stdout).toContain('"reason":"update"');
    expect(statuses.slice(-3)).toEqual([204, 204, 204]);
    // In server mode the caches (at least) were written to Redis, under the test's prefix.
    if ('client' in redis && env.MEMOS_REDIS_KEY_PREFIX) expect((await keysUnder(redis.client, env.MEMOS_REDIS_KEY_PREFIX)).length).toBeGreaterThan(0);
    await server.stop();
  });

  it.skipIf(!haveModel)('runs the embedding gateway section against a server with the Model2Vec model', async () => {
    server = await startServerProcess({ MEMOS_DATA_DIR: join(dataDir, 'gateway'), MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    await waitFor(async () => ((await (await fetch(`${server!.baseUrl}/api/v1/embeddings/cache/stats`)).json()) as { embedder?: { state: string } }).embedder?.state === 'ready');
    const script = sectionScript('Embedding gateway');
    const run = runScript(script, server.baseUrl);
    expect(run.status, run.stderr).toBe(0);
    expect(run.statuses).toHaveLength(countCurls(script));
    expect(run.statuses.every((status) => status === 200)).toBe(true);
    expect(run.stdout).toMatch(/^128$/m);
    expect(run.stdout).toMatch(/"hits": 1,/); // "hello world" the second time
  }, 60_000);
});

describe.skipIf(!haveModel)('README: how memOS keeps facts true', () => {
  it.for(modes)('runs the section as written, and prints what the README shows: $mode', { timeout: 60_000 }, async ({ mode, env, skip }, context) => {
    if (skip) context.skip(skip);
    const folder = join(dataDir, `truth-${mode.replace(/\W+/g, '-')}`);
    server = await startServerProcess({ MEMOS_DATA_DIR: folder, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, ...env, ...(env.MEMOS_DATABASE_SCHEMA ? { MEMOS_DATABASE_SCHEMA: `${env.MEMOS_DATABASE_SCHEMA}_t` } : {}) });
    await waitFor(async () => ((await (await fetch(`${server!.baseUrl}/api/v1/embeddings/cache/stats`)).json()) as { embedder?: { state: string } }).embedder?.state === 'ready');
    const script = sectionScript('How memOS keeps facts true');
    const run = runScript(script, server.baseUrl);
    expect(run.status, run.stderr).toBe(0);
    expect(run.statuses).toHaveLength(countCurls(script));
    expect(run.statuses.every((status) => status === 200 || status === 201)).toBe(true);
    // The printed lines, ids and times aside, are the README's.
    const shown = readFileSync(join(ROOT, 'README.md'), 'utf8').split('What it prints, ids and times shortened:')[1]!.split('```text\n')[1]!.split('```')[0]!.trim().split('\n');
    const mask = (line: string) => line.replace(/mem_[0-9A-Za-z…]+/g, 'mem_').replace(/"20\d\d-[^"]+"/g, 'T');
    const lines = run.stdout.trim().split('\n');
    expect(lines.map(mask)).toEqual(shown.map(mask));
    await server.stop();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
