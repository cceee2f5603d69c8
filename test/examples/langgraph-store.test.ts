// examples/langgraph-store.ts, run as a user runs it (a child process, through tsx, with MEMOS_URL
// and MEMOS_API_KEY) against a real, listening memOS: memOS then holds the graph's items, with the
// replaced fact kept as history, and the last turn was answered from what the store recalled.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../../packages/client/src/index.js';
import { startChatCompletionsServer } from '../support/chat-completions-server.js';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = ['client', 'langgraph'].map((name) => fileURLToPath(new URL(`../../packages/${name}/dist/index.js`, import.meta.url)));

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

// The two runs are child processes that mostly load LangGraph: run side by side.
describe.skipIf(!haveModel).concurrent('examples/langgraph-store.ts', () => {
  it('keeps the graph’s memories in memOS, replacing a moved home, and answers from them', async () => {
    for (const built of BUILT) expect(existsSync(built), `the example imports ${built}: build it first (npm run build -w @memos/client && npm run build -w @memos/langgraph)`).toBe(true);
    const namespace = unique('graph');
    const { key } = await server.client().keys.create({ name: 'langgraph example', role: 'write', namespaces: [namespace] });
    const env: NodeJS.ProcessEnv = { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, GRAPH_USER: 'ana' };
    delete env.OPENAI_BASE_URL;
    delete env.OPENAI_MODEL;
    const turns = ['My name is Ana and I live in Lagos', 'I moved to Nairobi', 'I like green tea', 'Where do I live?'];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/langgraph-store.ts', ...turns], { cwd: ROOT, env, timeout: 60_000 });

    expect(stdout).toMatch(/^model: stand-in/m);
    expect(stdout).toContain('assistant: From memory: The user lives in Nairobi.');
    expect(stdout).toMatch(/memOS now holds 3 item\(s\) for ana: /);

    // memOS holds one current memory per fact, for the user, and the replaced home as history.
    const memos = new MemosClient({ baseUrl: server.baseUrl, apiKey: key });
    const current = (await memos.memories.list({ userId: 'ana' })).items;
    expect(current.map((memory) => memory.content.split('\n')[0]).sort()).toEqual(['The user likes green tea', 'The user lives in Nairobi', "The user's name is Ana"]);
    expect(current.every((memory) => memory.namespace === namespace)).toBe(true);
    const home = (await memos.memories.list({ userId: 'ana', key: 'lg:["memories","ana","home"]', includeSuperseded: 'true', order: 'asc' })).items;
    expect(home.map((memory) => [memory.content.split('\n')[0], memory.supersessionReason])).toEqual([
      ['The user lives in Lagos', 'key'],
      ['The user lives in Nairobi', undefined],
    ]);
  }, 90_000);

  it('asks a configured OpenAI-compatible model, with what the store recalled in its prompt', async () => {
    const model = await startChatCompletionsServer({ respond: () => ({ reply: 'You live in Nairobi.' }) });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: ADMIN_KEY, MEMOS_NAMESPACE: unique('graph'), GRAPH_USER: 'bo', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'test-model' };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/langgraph-store.ts', 'I live in Nairobi', 'Where do I live?'], { cwd: ROOT, env, timeout: 60_000 });
      expect(stdout).toMatch(/^model: test-model at http:\/\/127\.0\.0\.1:\d+\/v1$/m);
      expect(stdout).toContain('assistant: You live in Nairobi.');
      expect(model.requests).toHaveLength(2);
      expect(model.requests[1]!.messages.map((message) => message.role)).toEqual(['system', 'user']);
      expect(model.requests[1]!.messages[0]!.content).toContain('- The user lives in Nairobi');
      expect(model.requests[1]!.messages[1]!.content).toBe('Where do I live?');
    } finally {
      await model.close();
    }
  }, 90_000);
});
