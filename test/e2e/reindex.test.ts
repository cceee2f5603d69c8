// `memos reindex` as an operator runs it: records written without vectors get them from a running server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer } from '../../src/embeddings/fake/index.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startTestMemos } from '../support/test-memos.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';
import { memosCommand } from '../support/cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const dataDir = mkdtempSync(join(tmpdir(), 'memos-reindex-e2e-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(`${server!.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('memos reindex', () => {
  it.skipIf(!haveModel)('embeds everything written before a model was configured, printing progress', async () => {
    server = await startServerProcess({ MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'none' });
    await post('/api/v1/memories', { memories: [{ content: "The user's cat is called Miso" }, { content: 'The user prefers aisle seats' }, { content: 'The user is allergic to shellfish' }] });
    await post('/api/v1/episodes', { episodes: [{ kind: 'observation', content: 'The user booked a flight to Oslo' }, { kind: 'observation', content: 'The user asked about vegan restaurants' }] });
    await server.stop();

    server = await startServerProcess({ MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_AUTO_BACKFILL: 'false' });
    const deadline = Date.now() + 20_000;
    let before: { progress?: { pending: number; total: number } } = {};
    while (before.progress === undefined && Date.now() < deadline) {
      before = (await (await fetch(`${server.baseUrl}/api/v1/admin/reindex`)).json()) as typeof before;
      if (before.progress === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(before.progress).toMatchObject({ pending: 5, total: 5 });
    const vectorBefore = await (await post('/api/v1/search', { query: 'what is the name of my pet', mode: 'vector' })).json();
    expect((vectorBefore as { hits: unknown[] }).hits).toEqual([]);

    const run = spawnSync(process.execPath, [...memosCommand(), 'reindex', '--url', server.baseUrl, '--interval-ms', '100'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/potion-base-4M-int8 \(128 dims\): 5\/5 embedded, 0 pending \(100%\)/);
    // Progress goes to standard error (plain lines here, not a terminal), ending with the count and rate.
    expect(run.stderr).toMatch(/^5 records embedded by potion-base-4M-int8 \(128 dims\) in \d+\.\d s \(\d+\/s\)$/m);

    const after = (await (await post('/api/v1/search', { query: 'what is the name of my pet', mode: 'vector', limit: 3 })).json()) as { hits: Array<{ item: { content: string } }> };
    expect(after.hits.map((hit) => hit.item.content)).toContain("The user's cat is called Miso");
  }, 60_000);

  it('says clearly when no server answers', () => {
    const run = spawnSync(process.execPath, [...memosCommand(), 'reindex', '--url', 'http://127.0.0.1:9'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no memOS answers at http:\/\/127\.0\.0\.1:9/);
  });

  it('lists the records the provider refused, and retries them with --retry-failed', async () => {
    const upstream = await startFakeOpenAiServer({ dimensions: 8, maxInputChars: 30 });
    const memos = await startTestMemos({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: 'up', MEMOS_EMBEDDING_MAX_INPUT_CHARS: '1000' });
    try {
      const written = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'short and fine' }, { content: 'a memory longer than the thirty characters taken' }] });
      const refused = written.body.results[1].id as string;
      for (let i = 0; i < 3; i++) await memos.services.backfill.runOnce();
      const url = await memos.app.listen({ host: '127.0.0.1', port: 0 });
      // Asynchronously: the server answering the command runs in this process.
      const run = (args: string[]) =>
        new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [...memosCommand(), 'reindex', '--url', url, '--interval-ms', '50', ...args], { cwd: ROOT });
          let stdout = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.on('close', (status) => resolve({ status, stdout }));
        });
      const retried = await run(['--retry-failed']);
      expect(retried.status).toBe(0);
      expect(retried.stdout).toMatch(/^1 failed records are pending again$/m);
      // The backfill tries the record again (3 times), and the command waits until it has settled.
      expect(retried.stdout).toMatch(/up \(8 dims\): 1\/2 embedded, 0 pending, 1 failed \(50%\)\n/);
      expect(retried.stdout).toContain(`failed: memories default/${refused} after 3 attempts: `);
      expect(retried.stdout).toMatch(/Retry with: memos reindex --retry-failed/);
      expect(retried.stdout).not.toContain('thirty characters');
    } finally {
      await memos.close();
      await upstream.close();
    }
  }, 30_000);
});
