// `memos forget` as an operator runs it against a running memOS (the test backend: SQLite, or
// PostgreSQL and Redis): it refuses without confirmation off a terminal, erases with --yes, and
// prints the receipt that the server keeps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { testBackendEnv } from '../support/test-memos.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';

const dataDir = mkdtempSync(join(tmpdir(), 'memos-forget-e2e-'));
const backend = testBackendEnv();
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  await backend.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server!.baseUrl}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
};

describe.skipIf(!haveModel)('memos forget', () => {
  it('refuses without --yes off a terminal, then erases a user and prints the receipt', async () => {
    server = await startServerProcess({ ...backend.env, MEMOS_DATA_DIR: dataDir, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    const ns = 'forget-e2e';
    await call('POST', '/api/v1/memories', { namespace: ns, userId: 'ana', memories: [{ content: 'Ana keeps bees on the roof' }] });
    await call('POST', '/api/v1/episodes', { namespace: ns, userId: 'ana', episodes: [{ kind: 'observation', content: 'Ana sold honey at the market' }] });
    await call('POST', '/api/v1/memories', { namespace: ns, userId: 'ben', memories: [{ content: 'Ben rides a red bicycle' }] });

    const refused = await runMemos(['forget', '--user', 'ana', '--namespace', ns, '--url', server.baseUrl]);
    expect(refused.status).toBe(78);
    expect(refused.stderr).toMatch(/without confirmation.*--yes/);
    expect((await call('GET', `/api/v1/memories?namespace=${ns}&userId=ana`)).json.items).toHaveLength(1);

    const run = await runMemos(['forget', '--user', 'ana', '--namespace', ns, '--yes', '--url', server.baseUrl]);
    expect(run.status, run.stderr).toBe(0);
    const receipt = JSON.parse(run.stdout);
    expect(receipt).toMatchObject({ subject: { namespace: ns, userId: 'ana' }, ok: true });
    expect(receipt.removed).toMatchObject({ memories: 1, episodes: 1 });
    expect(run.stderr).toMatch(/verification clean/);

    expect((await call('GET', `/api/v1/memories?namespace=${ns}&userId=ana`)).json.items).toEqual([]);
    expect((await call('GET', `/api/v1/memories?namespace=${ns}&userId=ben`)).json.items).toHaveLength(1);
    expect((await call('GET', `/api/v1/erasures/${receipt.receiptId}?namespace=${ns}`)).json).toEqual(receipt);
  }, 60_000);
});
