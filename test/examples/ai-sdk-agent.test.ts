// examples/ai-sdk-agent.ts, run as a user runs it (a child process, through tsx, with MEMOS_URL and
// MEMOS_API_KEY) against a real, listening memOS: memOS then holds what the agent's tools stored
// and the turns the middleware appended, and a later turn was answered from the context it gave.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../../packages/client/src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from '../../packages/client/test/listening-memos.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = ['../../packages/client/dist/index.js', '../../packages/ai-sdk/dist/index.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('examples/ai-sdk-agent.ts', () => {
  it('remembers through the tools, appends each turn, and answers a later turn from the context', async () => {
    for (const built of BUILT) expect(existsSync(built), `the example imports ${built}: build it first (npm run build -w @memos/client -w @memos/ai-sdk)`).toBe(true);
    const namespace = unique('ai-sdk-agent');
    const { key } = await server.client().keys.create({ name: 'ai-sdk example', role: 'write', namespaces: [namespace] });
    const turns = ["I'm vegetarian and I live in Lisbon", 'What do you know about me?', 'I moved to Porto', 'What do you know about me?'];
    const { OPENAI_BASE_URL: _url, LLM_MODEL: _model, ...inherited } = process.env;
    const env = { ...inherited, MEMOS_URL: server.baseUrl, MEMOS_API_KEY: key, AGENT_USER: 'ana', AGENT_SESSION: 'ana-agent' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/ai-sdk-agent.ts', ...turns], { cwd: ROOT, env, timeout: 60_000 });

    expect(stdout).toContain('[model] stand-in: the AI SDK test model (MockLanguageModelV4)');
    // The tools stored the facts in the key's namespace, for the user and session; Porto took Lisbon's slot.
    const memos = new MemosClient({ baseUrl: server.baseUrl, apiKey: key });
    const current = (await memos.memories.list({ userId: 'ana' })).items;
    expect(current.map((memory) => memory.content).sort()).toEqual(['The user is vegetarian', 'The user lives in Porto']);
    expect(current.every((memory) => memory.namespace === namespace && memory.sourceSessionIds.includes('ana-agent'))).toBe(true);
    const cities = (await memos.memories.list({ userId: 'ana', key: 'home_city', includeSuperseded: 'true', order: 'asc' })).items;
    expect(cities.map((memory) => [memory.content, memory.validTo === undefined])).toEqual([['The user lives in Lisbon', false], ['The user lives in Porto', true]]);

    // The middleware appended every turn, once, with the assistant's answer.
    const messages = (await memos.sessions.get('ana-agent')).messages;
    expect(messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual(turns);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);

    // Answers came from the context memOS gave the model.
    const replies = stdout.match(/^assistant: .*$/gm) ?? [];
    expect(replies[0]).toBe("assistant: Noted, I'll remember that.");
    expect(replies[1]).toMatch(/^assistant: Here is what I remember: .*The user lives in Lisbon/);
    expect(replies[1]).toContain('The user is vegetarian');
    expect(replies[3]).toContain('The user lives in Porto');
    expect(replies[3]).not.toContain('Lisbon');
    expect(stdout).toContain('[tool] remember {"content":"The user lives in Lisbon","kind":"fact","key":"home_city"} -> {"id":"mem_');
  }, 90_000);
});
