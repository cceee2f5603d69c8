// examples/mastra-agent.ts, run as a user runs it (a child process, through tsx, with MEMOS_URL
// and MEMOS_API_KEY) against a real, listening memOS, with its stand-in model: the second
// thread's question is answered from the first thread, through memOS recall, and memOS then
// holds both threads and every message.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../../packages/client/src/index.js';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';
import { startChatCompletionsServer } from '../support/chat-completions-server.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = fileURLToPath(new URL('../../packages/mastra/dist/index.js', import.meta.url));

let server: ListeningMemos;
beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('examples/mastra-agent.ts', () => {
  it('answers in a new thread from an older one, and leaves both threads and their messages in memOS', async () => {
    expect(existsSync(BUILT), 'the example imports @memos/mastra: build it first (npm run build -w @memos/mastra)').toBe(true);
    const namespace = unique('mastra-example');
    const { key } = await new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY }).keys.create({ name: 'mastra example', role: 'write', namespaces: [namespace] });
    const env: NodeJS.ProcessEnv = { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, MASTRA_RESOURCE: 'kari' };
    delete env.MODEL_URL;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/mastra-agent.ts'], { cwd: ROOT, env, timeout: 60_000 });

    expect(stdout).toContain('[model] stand-in');
    const second = stdout.split('[thread] ')[2]!;
    expect(second).toMatch(/\[recalled from memOS\] .*My sister Ingrid keeps bees on her farm near Bergen/);
    expect(second).toContain('assistant: You told me: "My sister Ingrid keeps bees on her farm near Bergen".');

    const memos = new MemosClient({ baseUrl: server.baseUrl, apiKey: key });
    const threads = await memos.episodes.list({ userId: 'kari', kind: ['mastra.thread'] });
    expect(threads.items).toHaveLength(2);
    expect(threads.items.every((episode) => episode.namespace === namespace && episode.agentId === 'mastra-example')).toBe(true);
    const messages = await memos.episodes.list({ userId: 'kari', kind: ['message'], limit: 50 });
    expect(messages.items.filter((episode) => episode.role === 'user').map((episode) => episode.content)).toEqual([
      'My sister Ingrid keeps bees on her farm near Bergen',
      'I also need a new bicycle tyre before the weekend',
      'Remind me to buy milk',
      'What does my sister keep on her farm?',
    ]);
    expect(messages.items.filter((episode) => episode.role === 'assistant')).toHaveLength(4);
    expect(stdout).toContain('[memOS] 8 messages of kari held as episodes');
  }, 90_000);

  it('runs with a real OpenAI-compatible model when MODEL_URL names one: the recalled message reaches its prompt', async () => {
    // The local stand-in speaks OpenAI's chat completions; it answers from what the prompt holds.
    const model = await startChatCompletionsServer({
      plainText: true,
      respond: ({ messages }) => (messages.some((message) => message.role === 'system' && message.content.includes('Ingrid keeps bees')) ? 'Your sister Ingrid keeps bees.' : 'Noted.'),
    });
    try {
      const namespace = unique('mastra-model');
      const { key } = await new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY }).keys.create({ name: 'mastra example', role: 'write', namespaces: [namespace] });
      const env: NodeJS.ProcessEnv = { ...process.env, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, MASTRA_RESOURCE: 'liv', MODEL_URL: model.baseUrl, MODEL_NAME: 'local-model' };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/mastra-agent.ts'], { cwd: ROOT, env, timeout: 60_000 });

      expect(stdout).toContain(`[model] local-model at ${model.baseUrl}`);
      expect(stdout.split('[thread] ')[2]).toContain('assistant: Your sister Ingrid keeps bees.');
      expect(model.requests.length).toBeGreaterThanOrEqual(4);
      expect(model.requests.every((request) => request.model === 'local-model')).toBe(true);
      const answers = await new MemosClient({ baseUrl: server.baseUrl, apiKey: key }).episodes.list({ userId: 'liv', kind: ['message'], limit: 50 });
      expect(answers.items.filter((episode) => episode.role === 'assistant').map((episode) => episode.content)).toContain('Your sister Ingrid keeps bees.');
    } finally {
      await model.close();
    }
  }, 90_000);
});
