import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../storage/index.js';
import { describeSetting, loadConfig } from './load.js';
import { redisSeeds } from './redis-settings.js';

const folder = () => mkdtempSync(join(tmpdir(), 'memos-config-'));

describe('loadConfig', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({ cwd: folder() });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 7420, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5000, maxConnections: 1024 });
    expect(config.dataDir).toBe('./.memos');
    expect(config.storage).toEqual({ driver: 'sqlite', synchronous: 'full', vectorIndexMaxBytes: 512 * 1024 * 1024 });
    expect(config.sessions).toMatchObject({ ttlSeconds: 1800, window: 50 });
    expect(config.limits).toMatchObject({ contentBytes: 32 * 1024, metadataBytes: 16 * 1024, metadataDepth: 8, batchItems: 1000, bodyBytes: 8 * 1024 * 1024 });
  });

  it('applies defaults < file < environment < flags', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ server: { port: 1111, host: '0.0.0.0' }, sessions: { window: 7 }, dataDir: '/from/file' }));
    const config = loadConfig({ cwd, env: { MEMOS_PORT: '2222', MEMOS_DATA_DIR: '/from/env' }, flags: { port: '3333' } });
    expect(config.server.port).toBe(3333); // flag beats env and file
    expect(config.dataDir).toBe('/from/env'); // env beats file
    expect(config.server.host).toBe('0.0.0.0'); // file beats default
    expect(config.sessions.window).toBe(7);
    expect(config.sessions.ttlSeconds).toBe(1800); // untouched default inside a section the file sets
  });

  it('reads the file named by --config or MEMOS_CONFIG', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'a.json'), JSON.stringify({ log: { level: 'warn' } }));
    writeFileSync(join(cwd, 'b.json'), JSON.stringify({ log: { level: 'debug' } }));
    expect(loadConfig({ cwd, env: { MEMOS_CONFIG: 'a.json' } }).log.level).toBe('warn');
    expect(loadConfig({ cwd, env: { MEMOS_CONFIG: 'a.json' }, flags: { config: 'b.json' } }).log.level).toBe('debug');
  });

  it('is frozen', () => {
    const config = loadConfig({ cwd: folder() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  it.each([
    [{ env: { MEMOS_PORT: 'seventy' } }, /MEMOS_PORT/],
    [{ env: { MEMOS_PORT: '70000' } }, /MEMOS_PORT/],
    [{ flags: { port: '-1' } }, /--port/],
    [{ env: { MEMOS_LOG_LEVEL: 'loud' } }, /MEMOS_LOG_LEVEL/],
    [{ env: { MEMOS_SQLITE_SYNCHRONOUS: 'off' } }, /MEMOS_SQLITE_SYNCHRONOUS/],
    [{ env: { MEMOS_MAX_BATCH_ITEMS: '0' } }, /MEMOS_MAX_BATCH_ITEMS/],
  ])('names the setting in a bad value: %o', (sources, pattern) => {
    expect(() => loadConfig({ cwd: folder(), ...sources })).toThrow(pattern);
  });

  it('names the file key and rejects unknown keys and bad JSON in a file', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ sessions: { window: 0 } }));
    expect(() => loadConfig({ cwd })).toThrow(/sessions\.window in memos\.config\.json/);
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ sesions: {} }));
    expect(() => loadConfig({ cwd })).toThrow(/sesions/);
    writeFileSync(join(cwd, 'memos.config.json'), '{ nope');
    expect(() => loadConfig({ cwd })).toThrow(/not valid JSON at line 1, column 3/);
    expect(() => loadConfig({ cwd, flags: { config: 'missing.json' } })).toThrow(/cannot be read/);
  });

  it('picks the embedding provider: model2vec by default, openai when a URL is given, or as named', () => {
    const cwd = folder();
    expect(loadConfig({ cwd }).embeddings).toMatchObject({ provider: 'model2vec', model: 'minishlab/potion-base-8M' });
    expect(loadConfig({ cwd, env: { MEMOS_MODEL2VEC_PATH: '/models/potion' } }).embeddings).toMatchObject({ provider: 'model2vec', path: '/models/potion' });
    const openai = loadConfig({ cwd, env: { MEMOS_EMBEDDING_URL: 'http://127.0.0.1:1234/v1', MEMOS_EMBEDDING_MODEL: 'nomic', MEMOS_EMBEDDING_API_KEY: 'sk-test' } });
    expect(openai.embeddings).toMatchObject({ provider: 'openai', url: 'http://127.0.0.1:1234/v1', model: 'nomic', apiKey: 'sk-test', maxBatchSize: 128 });
    expect(loadConfig({ cwd, env: { MEMOS_EMBEDDER: 'none', MEMOS_MODEL2VEC_PATH: '/models/potion' } }).embeddings).toEqual({ provider: 'none' });
  });

  it("reads a provider's own variables only when that provider is in use", () => {
    const cwd = folder();
    const config = loadConfig({ cwd, env: { MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: 'http://127.0.0.1:9/v1', MEMOS_EMBEDDING_MODEL: 'm', MEMOS_MODEL2VEC_PATH: '/ignored' } });
    expect(config.embeddings).not.toHaveProperty('path');
  });

  it('reads the context bundle settings, and keeps context.limit within search.maxLimit', () => {
    const cwd = folder();
    expect(loadConfig({ cwd }).context).toEqual({ tokenBudget: 2000, limit: 10, recentMessageShare: 0.4 });
    const set = loadConfig({ cwd, env: { MEMOS_CONTEXT_TOKEN_BUDGET: '512', MEMOS_CONTEXT_LIMIT: '20', MEMOS_CONTEXT_RECENT_SHARE: '0.25' } });
    expect(set.context).toEqual({ tokenBudget: 512, limit: 20, recentMessageShare: 0.25 });
    expect(() => loadConfig({ cwd, env: { MEMOS_CONTEXT_TOKEN_BUDGET: '16' } })).toThrow(/MEMOS_CONTEXT_TOKEN_BUDGET/);
    expect(() => loadConfig({ cwd, env: { MEMOS_CONTEXT_RECENT_SHARE: '1.5' } })).toThrow(/MEMOS_CONTEXT_RECENT_SHARE/);
    expect(() => loadConfig({ cwd, env: { MEMOS_CONTEXT_LIMIT: '50', MEMOS_SEARCH_MAX_LIMIT: '20' } })).toThrow(/MEMOS_CONTEXT_LIMIT \(50\) must not exceed MEMOS_SEARCH_MAX_LIMIT \(20\)/);
  });

  it('reads the list limits, and keeps list.defaultLimit within list.maxLimit', () => {
    const cwd = folder();
    expect(loadConfig({ cwd }).list).toEqual({ defaultLimit: 50, maxLimit: 500 });
    expect(loadConfig({ cwd, env: { MEMOS_LIST_DEFAULT_LIMIT: '20', MEMOS_LIST_MAX_LIMIT: '2000' } }).list).toEqual({ defaultLimit: 20, maxLimit: 2000 });
    expect(() => loadConfig({ cwd, env: { MEMOS_LIST_MAX_LIMIT: '0' } })).toThrow(/MEMOS_LIST_MAX_LIMIT/);
    expect(() => loadConfig({ cwd, env: { MEMOS_LIST_DEFAULT_LIMIT: '100', MEMOS_LIST_MAX_LIMIT: '20' } })).toThrow(/MEMOS_LIST_DEFAULT_LIMIT \(100\) must not exceed MEMOS_LIST_MAX_LIMIT \(20\)/);
  });

  it('turns on Redis with MEMOS_REDIS_URL, with the usual precedence, and never echoes the URL in an error', () => {
    const cwd = folder();
    expect(loadConfig({ cwd }).redis).toEqual({ cluster: false, keyPrefix: '' });
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ redis: { url: 'redis://file:6379', keyPrefix: 'a:' } }));
    expect(loadConfig({ cwd }).redis).toEqual({ url: 'redis://file:6379', cluster: false, keyPrefix: 'a:' });
    const env = loadConfig({ cwd, env: { MEMOS_REDIS_URL: 'rediss://:s3cret@env:6380/2', MEMOS_REDIS_KEY_PREFIX: 'b:' } });
    expect(env.redis).toEqual({ url: 'rediss://:s3cret@env:6380/2', cluster: false, keyPrefix: 'b:' });
    expect(() => loadConfig({ cwd, env: { MEMOS_REDIS_URL: 'http://:s3cret@env:6379' } })).toThrow(/MEMOS_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL$/);
  });

  it('takes comma-separated seed nodes with MEMOS_REDIS_CLUSTER, naming the setting that is wrong and never the URL', () => {
    const cwd = folder();
    const seeds = 'redis://:s3cret@10.0.0.5:7000, 10.0.0.6:7000,redis://:s3cret@10.0.0.7:7000';
    expect(loadConfig({ cwd, env: { MEMOS_REDIS_URL: seeds, MEMOS_REDIS_CLUSTER: 'true' } }).redis).toEqual({ url: seeds, cluster: true, keyPrefix: '' });
    expect(redisSeeds(seeds)).toEqual(['redis://:s3cret@10.0.0.5:7000', 'redis://:s3cret@10.0.0.6:7000', 'redis://:s3cret@10.0.0.7:7000']);
    const refused = (env: Record<string, string>) => () => loadConfig({ cwd, env: { MEMOS_REDIS_CLUSTER: 'true', ...env } });
    expect(refused({ MEMOS_REDIS_CLUSTER: 'false', MEMOS_REDIS_URL: seeds })).toThrow(/^invalid configuration: MEMOS_REDIS_URL: lists several nodes; set redis.cluster \(MEMOS_REDIS_CLUSTER=true\)/);
    expect(refused({})).toThrow(/MEMOS_REDIS_CLUSTER: needs redis.url/);
    expect(refused({ MEMOS_REDIS_CLUSTER: 'maybe', MEMOS_REDIS_URL: seeds })).toThrow(/MEMOS_REDIS_CLUSTER: must be true or false/);
    expect(refused({ MEMOS_REDIS_URL: 'redis://:s3cret@a:7000/2' })).toThrow(/MEMOS_REDIS_URL: names a database; a Redis Cluster has only database 0/);
    expect(refused({ MEMOS_REDIS_URL: 'redis://:s3cret@a:7000,rediss://:s3cret@b:7000' })).toThrow(/MEMOS_REDIS_URL: seed nodes must share one scheme/);
    expect(refused({ MEMOS_REDIS_URL: 'redis://:s3cret@a:7000,http://b:7000' })).toThrow(/MEMOS_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL$/);
    expect(refused({ MEMOS_REDIS_URL: seeds, MEMOS_REDIS_KEY_PREFIX: 'app{1}:' })).toThrow(/MEMOS_REDIS_KEY_PREFIX: must not hold \{ or \}/);
    expect(refused({ MEMOS_REDIS_URL: 'redis://:s3cret@a:7000/2' })).not.toThrow(/s3cret/);
  });

  it('selects PostgreSQL with MEMOS_DATABASE_URL over the file, with the schema and pool from file or environment', () => {
    const cwd = folder();
    const redis = { MEMOS_REDIS_URL: 'redis://127.0.0.1:6379' };
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ storage: { url: 'postgres://file/db', schema: 'from_file' }, redis: { url: 'redis://file:6379' } }));
    expect(loadConfig({ cwd }).storage).toEqual({ driver: 'postgres', url: 'postgres://file/db', schema: 'from_file', poolSize: 10, rowSecurity: true });
    const env = loadConfig({
      cwd,
      env: { MEMOS_DATABASE_URL: 'postgresql://env:5432/db', MEMOS_DATABASE_POOL_SIZE: '4', MEMOS_DATABASE_ROW_SECURITY: 'false', MEMOS_SQLITE_SYNCHRONOUS: 'normal' },
    });
    expect(env.storage).toEqual({ driver: 'postgres', url: 'postgresql://env:5432/db', schema: 'from_file', poolSize: 4, rowSecurity: false });

    // The environment's URL wins over a file that names sqlite; driver-only variables of the other driver are ignored.
    const other = folder();
    writeFileSync(join(other, 'memos.config.json'), JSON.stringify({ storage: { driver: 'sqlite' } }));
    const server = loadConfig({ cwd: other, env: { MEMOS_DATABASE_URL: 'postgres://env/db', MEMOS_DATABASE_SCHEMA: 'tenant_a', ...redis } });
    expect(server.storage).toEqual({ driver: 'postgres', url: 'postgres://env/db', schema: 'tenant_a', poolSize: 10, rowSecurity: true });
    expect(loadConfig({ cwd: other, env: { MEMOS_DATABASE_SCHEMA: 'ignored' } }).storage).toEqual({ driver: 'sqlite', synchronous: 'full', vectorIndexMaxBytes: 512 * 1024 * 1024 });
    expect(() => loadConfig({ cwd: other, env: { MEMOS_DATABASE_URL: 'postgres://env/db', MEMOS_DATABASE_SCHEMA: 'Bad-Name', ...redis } })).toThrow(/MEMOS_DATABASE_SCHEMA: must be 1-63/);
  });

  it('refuses MEMOS_DATABASE_URL without MEMOS_REDIS_URL, naming both, since server mode keeps sessions in Redis', () => {
    const attempt = () => loadConfig({ cwd: folder(), env: { MEMOS_DATABASE_URL: 'postgres://u:s3cret@db:5432/memos' } });
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(attempt).toThrow(/MEMOS_DATABASE_URL.*server mode keeps sessions in Redis: set MEMOS_REDIS_URL too/);
  });

  it('never echoes a database password, in errors or in the URL it logs', () => {
    const cwd = folder();
    const bad = () => loadConfig({ cwd, env: { MEMOS_DATABASE_URL: 'mysql://u:s3cret@db:3306/memos', MEMOS_REDIS_URL: 'redis://r:6379' } });
    expect(bad).toThrow(/MEMOS_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL$/);
    expect(bad).not.toThrow(/s3cret/);
    expect(() => loadConfig({ cwd, env: { MEMOS_DATABASE_URL: 'postgres://u:s3cret@db/memos' } })).not.toThrow(/s3cret/);
    expect(redactUrl('postgres://memos:s3cret@db:5432/memos')).toBe('postgres://memos:redacted@db:5432/memos');
  });

  it('names the embedding setting that is wrong', () => {
    const cwd = folder();
    expect(() => loadConfig({ cwd, env: { MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_MODEL: 'm' } })).toThrow(/embeddings\.url \(MEMOS_EMBEDDING_URL\): /);
    expect(() => loadConfig({ cwd, env: { MEMOS_EMBEDDING_URL: 'not a url', MEMOS_EMBEDDING_MODEL: 'm' } })).toThrow(/MEMOS_EMBEDDING_URL/);
    expect(() => loadConfig({ cwd, env: { MEMOS_EMBEDDER: 'magic' } })).toThrow(/MEMOS_EMBEDDER/);
  });

  it('gives the line and column of invalid JSON in a config file, quoting nothing of it', () => {
    const cwd = folder();
    const cases: Array<[text: string, place: string]> = [
      ['{\n  "storage": {\n    "url": "postgres://u:s3cret@db/m",\n  }\n}', 'line 4, column 3'],
      ['{\n  "server": { "port": 7420 }\n', 'line 3, column 1'],
      ['{ "dataDir": \'s3cret\' }', 'line 1, column 14'],
      ['{}\n\n  trailing s3cret', 'line 3, column 3'],
    ];
    for (const [text, place] of cases) {
      writeFileSync(join(cwd, 'memos.config.json'), text);
      expect(() => loadConfig({ cwd }), text).toThrow(new RegExp(`memos\\.config\\.json is not valid JSON at ${place}`));
      expect(() => loadConfig({ cwd })).not.toThrow(/s3cret/);
    }
  });

  it('names the environment variable or file key of each setting in cross-field errors', () => {
    const cwd = folder();
    expect(() => loadConfig({ cwd, env: { MEMOS_SEARCH_DEFAULT_LIMIT: '200' } })).toThrow(/MEMOS_SEARCH_DEFAULT_LIMIT \(200\) must not exceed search\.maxLimit \(100\)/);
    expect(() => loadConfig({ cwd, env: { MEMOS_HEADERS_TIMEOUT_MS: '90000' } })).toThrow(/MEMOS_HEADERS_TIMEOUT_MS \(90000\) must not exceed server\.requestTimeoutMs \(60000\)/);
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ search: { maxLimit: 5 }, storage: { url: 'postgres://db/m' } }));
    const fromFile = () => loadConfig({ cwd });
    expect(fromFile).toThrow(/storage\.url in memos\.config\.json \(storage\.driver postgres\) needs redis\.url \(MEMOS_REDIS_URL\)/);
    expect(fromFile).toThrow(/search\.defaultLimit \(10\) must not exceed search\.maxLimit in memos\.config\.json \(5\)/);
  });

  it('reads the network settings, and MEMOS_ALLOWED_HOSTS as a comma-separated list', () => {
    const cwd = folder();
    const config = loadConfig({
      cwd,
      env: { MEMOS_ALLOWED_HOSTS: ' Memos.Example.com,*.internal ,', MEMOS_HEADERS_TIMEOUT_MS: '2000', MEMOS_REQUEST_TIMEOUT_MS: '3000', MEMOS_KEEP_ALIVE_TIMEOUT_MS: '700', MEMOS_MAX_CONNECTIONS: '10', MEMOS_MAX_BODY_BYTES: '1048576' },
    });
    expect(config.server).toMatchObject({ allowedHosts: ['memos.example.com', '*.internal'], headersTimeoutMs: 2000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 700, maxConnections: 10 });
    expect(config.limits.bodyBytes).toBe(1_048_576);
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ server: { allowedHosts: ['a.example', 'b.example'] } }));
    expect(loadConfig({ cwd }).server.allowedHosts).toEqual(['a.example', 'b.example']);
    expect(() => loadConfig({ cwd, env: { MEMOS_ALLOWED_HOSTS: 'memos.example.com:7420' } })).toThrow(/MEMOS_ALLOWED_HOSTS \(server\.allowedHosts\.0\): must be host names/);
    expect(() => loadConfig({ cwd, env: { MEMOS_MAX_CONNECTIONS: '0' } })).toThrow(/MEMOS_MAX_CONNECTIONS/);
    expect(() => loadConfig({ cwd, env: { MEMOS_MAX_BODY_BYTES: '1000' } })).toThrow(/MEMOS_MAX_BODY_BYTES/);
  });

  it('describes a setting by its value and where it was set', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'memos.config.json'), JSON.stringify({ dataDir: '/from/file' }));
    const config = loadConfig({ cwd, env: { MEMOS_PORT: '7000' }, flags: { host: '::1' } });
    expect(describeSetting(config, 'server.port')).toBe('MEMOS_PORT=7000');
    expect(describeSetting(config, 'server.host')).toBe('--host ::1');
    expect(describeSetting(config, 'dataDir')).toBe('dataDir /from/file in memos.config.json');
    expect(describeSetting(config, 'log.level')).toBe('log.level info (the default)');
  });
});
