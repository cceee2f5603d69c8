// `memos mcp` as MCP clients run it: a child process speaking MCP on stdio, through the real SDK
// client. Embedded on a data folder, and attached (--url, --key) to a running memOS's /mcp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool, rememberRecallForget, structuredOf, textOf } from '../support/mcp-round-trip.js';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';
import { memosCommand } from '../support/cli-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EMBEDDER: Record<string, string> = haveModel ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : { MEMOS_EMBEDDER: 'none' };
const folders: string[] = [];
const clients: Client[] = [];

const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-mcp-'));
  folders.push(dir);
  return dir;
};

/** Starts `memos mcp ARGS` as a child process and connects the SDK client to its stdio; `stderr` collects its logs. */
async function spawnMcp(args: string[], env: Record<string, string> = {}): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...memosCommand(), 'mcp', ...args],
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), MEMOS_ADMIN_KEY: '', MEMOS_API_KEY: '', MEMOS_LOG_LEVEL: 'info', ...EMBEDDER, ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'memos-stdio-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, stderr: () => stderr };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
});
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('memos mcp (stdio, embedded)', () => {
  it.skipIf(!haveModel)('lists the tools, remembers, recalls, gets context and forgets; logs go to stderr', async () => {
    const { client, stderr } = await spawnMcp(['--data-dir', folder()]);
    await rememberRecallForget(client, { namespace: 'stdio' });
    const lines = stderr().split('\n').filter(Boolean);
    expect(lines.some((line) => JSON.parse(line).msg === 'memOS MCP is serving on stdio')).toBe(true);
    // No memory text in the logs.
    expect(stderr()).not.toContain('window seats');
  });

  it('stops cleanly when the client closes its stdin: its last words are JSON log lines, as all the others', async () => {
    const { client, stderr } = await spawnMcp(['--data-dir', folder()]);
    await client.listTools();
    await client.close();
    // The process flushes what it has to say on the way out.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const lines = stderr().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
  });

  it('pins the namespace and user given by --namespace and --user', async () => {
    const { client } = await spawnMcp(['--data-dir', folder(), '--namespace', 'pinned', '--user', 'ana']);
    const stored = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Ana likes tea' }] }));
    expect(stored.namespace).toBe('pinned');
    expect(textOf(await callTool(client, 'recall', { namespace: 'other', query: 'tea' }))).toBe("E_FORBIDDEN: namespace: this connection works in namespace 'pinned' only");
    expect(textOf(await callTool(client, 'list_memories', { userId: 'bob' }))).toMatch(/^E_FORBIDDEN: userId: /);
    expect(structuredOf(await callTool(client, 'list_memories', {})).items).toMatchObject([{ userId: 'ana', content: 'Ana likes tea' }]);
  });
});

describe('memos mcp beside a running server', () => {
  let server: ServerProcess;
  let dataDir: string;
  let admin: string;
  const createKey = async (body: Record<string, unknown>) => {
    const response = await fetch(`${server.baseUrl}/api/v1/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(admin === undefined ? {} : { authorization: `Bearer ${admin}` }) },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { key: string }).key;
  };

  beforeAll(async () => {
    dataDir = folder();
    server = await startServerProcess({ ...EMBEDDER, MEMOS_ADMIN_KEY: '', MEMOS_DATA_DIR: dataDir });
    admin = await createKey({ role: 'admin', namespaces: ['*'] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses to open a data folder a server holds, and suggests --url', async () => {
    const result = await runMemos(['mcp', '--data-dir', dataDir], { MEMOS_EMBEDDER: 'none' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('is in use by');
    expect(result.stderr).toContain('memos mcp --url');
    expect(result.stdout).toBe('');
  });

  it.skipIf(!haveModel)('attaches with --url and --key, without opening the data folder, end to end', async () => {
    const key = await createKey({ role: 'write', namespaces: ['attached'] });
    const { client } = await spawnMcp(['--url', `${server.baseUrl}/mcp`, '--key', key]);
    await rememberRecallForget(client);
    const planted = await callTool(client, 'remember', { namespace: 'elsewhere', memories: [{ content: 'planted through the bridge' }] });
    expect(textOf(planted)).toBe("E_FORBIDDEN: namespace: this connection works in namespace 'attached' only");
  });

  it('takes the key from MEMOS_API_KEY, and answers a bad key with an error rather than silence', async () => {
    const key = await createKey({ role: 'read', namespaces: ['attached'] });
    // The server's address, as the other commands take --url, stands for its /mcp.
    const { client } = await spawnMcp(['--url', server.baseUrl], { MEMOS_API_KEY: key });
    expect(textOf(await callTool(client, 'remember', { memories: [{ content: 'no' }] }))).toBe("E_FORBIDDEN: this key's role is read; remember needs write");

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...memosCommand(), 'mcp', '--url', `${server.baseUrl}/mcp`, '--key', 'memos_bad_key'],
      cwd: ROOT,
      env: { ...(process.env as Record<string, string>), MEMOS_API_KEY: '' },
      stderr: 'pipe',
    });
    const refused = new Client({ name: 'memos-stdio-test', version: '1.0.0' });
    clients.push(refused);
    await expect(refused.connect(transport)).rejects.toThrow(/401/);
  });
});
