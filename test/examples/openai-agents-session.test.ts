// examples/openai-agents-session.ts, run as a user runs it (a child process, through tsx, with
// MEMOS_URL and MEMOS_API_KEY) against a real, listening memOS whose session window is four
// messages: a second run of the example continues the conversation memOS kept, and the turns
// beyond the window are episodes of the session.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../../packages/client/src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';

const execute = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = ['client', 'openai-agents'].map((name) => fileURLToPath(new URL(`../../packages/${name}/dist/index.js`, import.meta.url)));

let server: ListeningMemos;
beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos({ MEMOS_SESSION_WINDOW: '4' });
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('examples/openai-agents-session.ts', () => {
  it('keeps the conversation in memOS across runs, and promotes turns beyond the window to episodes', async () => {
    for (const built of BUILT) expect(existsSync(built), `the example imports ${built}: build it first (npm run build -w @memos/client -w @memos/openai-agents; npm ci does)`).toBe(true);
    const namespace = unique('agents');
    const { key } = await server.client().keys.create({ name: 'agents example', role: 'write', namespaces: [namespace] });
    const example = (...turns: string[]) =>
      execute(process.execPath, ['--import', 'tsx', 'examples/openai-agents-session.ts', ...turns], {
        cwd: ROOT,
        // No OPENAI_MODEL: the example uses its stand-in model.
        env: { ...process.env, OPENAI_MODEL: '', MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, CHAT_USER: 'ana', CHAT_SESSION: 'ana-agents' },
        timeout: 60_000,
      });

    const first = await example('My name is Ana', 'I like green tea');
    expect(first.stdout).toContain('model: stand-in');
    expect(first.stdout).toContain("memOS session 'ana-agents': 4 items in the window, 0 promoted to episodes");

    // A new process: only memOS connects it to the first.
    const second = await example('What is my name?', 'What do I like?');
    expect(second.stdout).toContain('assistant: Your name is Ana.');
    expect(second.stdout).toContain('assistant: You like green tea.');
    expect(second.stdout).toContain("memOS session 'ana-agents': 4 items in the window, 4 promoted to episodes");

    const memos = new MemosClient({ baseUrl: server.baseUrl, apiKey: key });
    const session = await memos.sessions.get('ana-agents');
    expect(session).toMatchObject({ namespace, userId: 'ana' });
    expect(session.messages.map((message) => `${message.role}: ${message.content}`)).toEqual([
      'user: What is my name?',
      'assistant: Your name is Ana.',
      'user: What do I like?',
      'assistant: You like green tea.',
    ]);
    const { items: episodes } = await memos.episodes.list({ sessionId: 'ana-agents' });
    expect(episodes.map((episode) => episode.content).sort()).toEqual(['I like green tea', 'My name is Ana', 'Noted (1 of your messages in this conversation so far).', 'Noted (2 of your messages in this conversation so far).']);
    expect(episodes.every((episode) => episode.namespace === namespace && episode.userId === 'ana' && episode.kind === 'message')).toBe(true);
  }, 90_000);
});
