import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModel2VecProvider } from './index.js';
import { locateModelFiles } from './model-files.js';
import { writeTinyModel } from './test-model.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-model2vec-hub-'));
const source = writeTinyModel(join(dir, 'source'));
const files = Object.fromEntries(['model.safetensors', 'tokenizer.json', 'config.json'].map((name) => [name, readFileSync(join(source, name))]));

/** How the fake hub answers one file: normally, with a status, or by dropping the connection halfway. */
type Behaviour = 'ok' | 'drop' | number;
let plan: Record<string, Behaviour[]> = {};
let requests: string[] = [];
let server: Server;
let hubUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/([^/]+)$/.exec(request.url ?? '');
    const file = match?.[2] ?? '';
    requests.push(`${match?.[1]}:${file}`);
    const behaviour = plan[file]?.shift() ?? 'ok';
    const body = files[file];
    if (!body || typeof behaviour === 'number') {
      response.writeHead(typeof behaviour === 'number' ? behaviour : 404).end('nope');
      return;
    }
    response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (behaviour === 'drop') {
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    // Slow enough that concurrent first uses overlap.
    setTimeout(() => response.end(body), 30);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  plan = {};
  requests = [];
});

let caches = 0;
const freshCache = () => join(dir, `cache-${++caches}`);
const options = (cacheDir: string, repo = 'acme/tiny-model') => ({ cacheDir, repo, hubUrl, fetch: globalThis.fetch });
const folderOf = (cacheDir: string) => join(cacheDir, 'acme--tiny-model');
const listing = (cacheDir: string) => readdirSync(folderOf(cacheDir)).sort();

describe('model files', () => {
  it('downloads a hub model into <cacheDir>/<owner>--<name>, then loads it from there without the network', async () => {
    const cacheDir = freshCache();
    const provider = createModel2VecProvider(options(cacheDir));
    expect(provider.model).toBe('acme/tiny-model');
    await provider.init();
    expect(provider.dimensions).toBe(4);
    expect(requests).toEqual(['acme/tiny-model:config.json', 'acme/tiny-model:tokenizer.json', 'acme/tiny-model:model.safetensors']);
    expect(listing(cacheDir)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(readFileSync(join(folderOf(cacheDir), 'model.safetensors'))).toEqual(files['model.safetensors']);

    const offline = createModel2VecProvider({
      ...options(cacheDir),
      fetch: async () => {
        throw new Error('no network expected');
      },
    });
    await offline.init();
    const [a, b] = await Promise.all([provider, offline].map((p) => p.embed({ texts: ['hello world'], purpose: 'query' })));
    expect(a).toEqual(b);
  });

  it('reports a 404 as a non-retryable provider error naming the status, and leaves no file behind', async () => {
    const cacheDir = freshCache();
    plan = { 'model.safetensors': [404] };
    const provider = createModel2VecProvider(options(cacheDir));
    await expect(provider.init()).rejects.toMatchObject({
      code: 'E_EMBEDDING_PROVIDER',
      message: expect.stringMatching(/downloading model\.safetensors from .*acme\/tiny-model failed: HTTP 404/),
      details: { retryable: false },
    });
    expect(listing(cacheDir)).toEqual(['config.json', 'tokenizer.json']);
    expect(provider.dimensions).toBe(0);
  });

  it('reports a 500 as retryable, and a later init() completes the download', async () => {
    const cacheDir = freshCache();
    plan = { 'tokenizer.json': [500] };
    const provider = createModel2VecProvider(options(cacheDir));
    await expect(provider.init()).rejects.toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: true } });
    await provider.init();
    expect(provider.dimensions).toBe(4);
    // config.json was kept from the first attempt.
    expect(requests.filter((r) => r.endsWith('config.json'))).toHaveLength(1);
  });

  it('leaves neither the final file nor a temp file when the connection drops mid-body', async () => {
    const cacheDir = freshCache();
    plan = { 'model.safetensors': ['drop'] };
    await expect(locateModelFiles(options(cacheDir))).rejects.toMatchObject({
      code: 'E_EMBEDDING_PROVIDER',
      message: expect.stringMatching(/downloading model\.safetensors .* failed \(/),
      details: { retryable: true },
    });
    expect(listing(cacheDir)).toEqual(['config.json', 'tokenizer.json']);
    await locateModelFiles(options(cacheDir));
    expect(listing(cacheDir)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
  });

  it('shares one download between concurrent first uses', async () => {
    const cacheDir = freshCache();
    const providers = [1, 2, 3].map(() => createModel2VecProvider(options(cacheDir)));
    await Promise.all([...providers.map((p) => p.init()), locateModelFiles(options(cacheDir))]);
    expect(requests).toHaveLength(3);
    for (const provider of providers) expect(provider.dimensions).toBe(4);
  });

  it('requires model.safetensors and tokenizer.json in an explicit folder, and never downloads into it', async () => {
    const folder = writeTinyModel(join(dir, 'explicit'), { config: null });
    expect(await locateModelFiles({ ...options(freshCache()), path: folder })).toBe(folder);
    rmSync(join(folder, 'tokenizer.json'));
    await expect(locateModelFiles({ ...options(freshCache()), path: folder })).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('has no tokenizer.json'),
    });
    expect(requests).toEqual([]);
  });

  it('reports an unreachable hub as retryable', async () => {
    const cacheDir = freshCache();
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    await expect(locateModelFiles({ ...options(cacheDir), hubUrl: `http://127.0.0.1:${port}` })).rejects.toMatchObject({
      code: 'E_EMBEDDING_PROVIDER',
      message: expect.stringContaining('ECONNREFUSED'),
      details: { retryable: true },
    });
  });
});
