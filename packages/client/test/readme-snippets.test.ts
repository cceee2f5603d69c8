// The README's "Use it from an agent" snippets, run against a real, listening memOS: the client in
// ten lines, and the official `openai` client on memOS's OpenAI-compatible embeddings. Each
// function body is the snippet as printed, but for where memOS listens and the key.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosClient } from '../src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from './listening-memos.js';

let server: ListeningMemos;
let key: string;
let namespace: string;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  namespace = unique('my-agent');
  key = (await server.client().keys.create({ name: 'readme', role: 'write', namespaces: [namespace] })).key;
});
afterAll(async () => {
  await server?.close();
});

async function clientInTenLines(baseUrl: string, apiKey: string) {
  const memos = new MemosClient({ baseUrl, apiKey, namespace });

  await memos.remember('Ana prefers green tea', { userId: 'ana' });
  await memos.sessions.appendMessages('chat-1', { userId: 'ana', messages: [{ role: 'user', content: 'What should I drink?' }] });

  const context = await memos.context({ sessionId: 'chat-1', userId: 'ana', tokenBudget: 1000 });
  const { hits } = await memos.search({ query: 'tea', userId: 'ana' });
  return { context, hits };
}

async function openAiEmbeddings(baseURL: string, apiKey: string) {
  const openai = new OpenAI({ baseURL, apiKey });

  const { data: models } = await openai.models.list(); // the one model memOS embeds with
  const { data } = await openai.embeddings.create({ model: models[0]!.id, input: ['memory for agents', 'green tea'] });
  return { model: models[0]!.id, vectors: data.map((item) => item.embedding) };
}

describe.skipIf(!haveModel)('the README snippets', () => {
  it('the client in ten lines stores, appends, gets context and searches', async () => {
    const { context, hits } = await clientInTenLines(server.baseUrl, key);
    expect(context.text).toContain('What should I drink?');
    expect(context.memories.map((memory) => memory.item.content)).toContain('Ana prefers green tea');
    expect(hits.map((hit) => hit.item.content)).toContain('Ana prefers green tea');
  });

  it('the official openai client embeds through /v1 with a memOS key, with the model /v1/models names', async () => {
    const { model, vectors } = await openAiEmbeddings(`${server.baseUrl}/v1`, key);
    expect((await new MemosClient({ baseUrl: server.baseUrl, apiKey: key }).models.list()).data.map((entry) => entry.id)).toEqual([model]);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]!.length).toBeGreaterThan(0);
    // The same vector as memOS's own embedding route gives for the same text.
    const own = await new MemosClient({ baseUrl: server.baseUrl, apiKey: key }).embeddings.embed({ text: 'memory for agents' });
    expect(own.embedding.map((value) => value.toFixed(5))).toEqual(vectors[0]!.map((value) => value.toFixed(5)));
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  /** The lines of the first TypeScript block under `heading`, but for imports, logs and where memOS listens (which the test sets). */
  const snippetLines = (heading: string) => {
    const section = readme.split(heading)[1] ?? '';
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    return block
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('import ') && !line.startsWith('console.') && !/new (MemosClient|OpenAI)\(/.test(line));
  };

  it('prints the snippets these tests run', () => {
    for (const heading of ['### The TypeScript client in ten lines', '### OpenAI-compatible embeddings with the official `openai` client']) {
      const lines = snippetLines(heading);
      expect(lines.length, heading).toBeGreaterThan(1);
      for (const line of lines) expect(source, `${heading}: ${line}`).toContain(line);
    }
  });
});
