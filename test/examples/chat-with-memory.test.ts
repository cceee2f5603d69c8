// examples/chat-with-memory.ts, run as a user runs it (a child process, through tsx, with
// MEMOS_URL and MEMOS_API_KEY) against a real, listening memOS: memOS then holds what the chat
// learned, and a later turn's context held it.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../../packages/client/src/index.js';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_CLIENT = fileURLToPath(new URL('../../packages/client/dist/index.js', import.meta.url));

let server: ListeningMemos;
beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('examples/chat-with-memory.ts', () => {
  it('stores what it learns, and answers a later turn from the context memOS gives it', async () => {
    expect(existsSync(BUILT_CLIENT), 'the example imports @memos/client: build it first (npm run build -w @memos/client; npm ci does)').toBe(true);
    const namespace = unique('chat');
    const admin = server.client();
    const { key } = await admin.keys.create({ name: 'chat example', role: 'write', namespaces: [namespace] });
    const turns = ['Hello there', 'My name is Ana and I like green tea', 'What do I like?', 'What is my name?'];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/chat-with-memory.ts', ...turns], {
      cwd: ROOT,
      env: { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, CHAT_USER: 'ana', CHAT_SESSION: 'ana-chat' },
      timeout: 60_000,
    });

    // memOS holds the learned memories, for the user, in the key's namespace.
    const memos = new MemosClient({ baseUrl: server.baseUrl, apiKey: key });
    const memories = (await memos.memories.list({ userId: 'ana' })).items;
    expect(memories.map((memory) => memory.content).sort()).toEqual(["The user likes green tea", "The user's name is Ana"]);
    expect(memories.every((memory) => memory.namespace === namespace && memory.sourceSessionIds.includes('ana-chat'))).toBe(true);
    // Every turn is in the session.
    expect((await memos.sessions.get('ana-chat')).messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(turns);

    // The first turns had nothing in context; the later ones were answered from it.
    const blocks = stdout.split(/^you: /m).slice(1);
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toContain('[context] memories: (none)');
    expect(blocks[1]).toContain('[remembered] The user\'s name is Ana | The user likes green tea');
    expect(blocks[2]).toMatch(/\[context\] memories: .*The user likes green tea/);
    expect(blocks[2]).toContain('assistant: You like green tea.');
    expect(blocks[3]).toContain("assistant: Your name is Ana.");
  }, 90_000);

  it('reads the turns from stdin, one a line, when it is given no arguments', async () => {
    const namespace = unique('chat');
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/chat-with-memory.ts'], {
      cwd: ROOT,
      env: { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: ADMIN_KEY, MEMOS_NAMESPACE: namespace, CHAT_USER: 'bo' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end('Where do I live?\nI live in Lisbon\n\nWhere do I live?\n');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout.match(/^assistant: .*$/gm)).toEqual(['assistant: I don\'t know yet; tell me!', "assistant: Got it. I'll remember: The user lives in Lisbon.", 'assistant: You live in Lisbon.']);
    expect((await server.client({ namespace }).memories.list({ userId: 'bo' })).items.map((memory) => memory.content)).toEqual(['The user lives in Lisbon']);
  }, 90_000);
});
