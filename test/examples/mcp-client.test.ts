// examples/mcp-client.ts, run as a user runs it (tsx, a URL and MEMOS_API_KEY) against a real,
// listening memOS with a key made through the API.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveModel, MODEL_PATH } from '../support/test-model.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let memos: TestMemos;
let url: string;
let key: string;

function runExample(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/mcp-client.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  memos = await startTestMemos(haveModel ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : {});
  url = `${await memos.app.listen({ host: '127.0.0.1', port: 0 })}/mcp`;
  key = (await memos.json('POST', '/api/v1/admin/keys', { role: 'write', namespaces: ['example'], name: 'mcp example' })).body.key;
});
afterAll(async () => {
  await memos?.close();
});

describe('examples/mcp-client.ts', () => {
  it('lists the tools, remembers, then recalls what it remembered, with a key', async () => {
    const { status, stdout, stderr } = await runExample([url], { MEMOS_API_KEY: key });
    expect(status, stderr).toBe(0);
    expect(stdout).toMatch(/^memOS offers 9 tools: .*remember.*recall/m);
    const [id] = /mem_[0-9A-Z]+/.exec(stdout.slice(stdout.indexOf('remember →'), stdout.indexOf('recall →'))) ?? [];
    expect(id).toBeDefined();
    expect(stdout).toContain(`${id}: created`);
    const recall = stdout.slice(stdout.indexOf('recall →'));
    expect(recall).toContain('Ana prefers a window seat on long flights');
    expect(recall).toContain(`(id ${id})`);
    const stored = await memos.services.memories.get({ namespace: 'example', id: id! });
    expect(stored.kind).toBe('preference');
  });

  it('fails with a clear message and exit code 1 without a valid key', async () => {
    const { status, stderr } = await runExample([url], { MEMOS_API_KEY: 'memos_not_a_key' });
    expect(status).toBe(1);
    expect(stderr).toContain('401');
  });
});
