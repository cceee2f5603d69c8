// The MCP server through the real SDK client over an in-memory linked transport pair, on a real
// memOS (SQLite, or PostgreSQL and Redis in the server project) with the real Model2Vec embedder.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../auth/access-hook.js';
import type { Principal } from '../auth/principal.js';
import { callTool, rememberRecallForget, structuredOf, textOf } from '../../test/support/mcp-round-trip.js';
import { haveModel, MODEL_PATH } from '../../test/support/test-model.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { createMcpServer } from './server.js';
import { GENERIC_FAILURE, toolError } from './tool-runner.js';

let memos: TestMemos;
const clients: Client[] = [];

beforeAll(async () => {
  memos = await startTestMemos(haveModel ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : {});
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await memos?.close();
});

/** A client connected to the MCP server of `principal` (and, when given, other settings than the test memOS's). */
async function connect(principal: Principal, config = memos.config): Promise<Client> {
  const server = createMcpServer({ principal, config, services: memos.services, logger: memos.logger });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'memos-test', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

const key = (fields: Partial<Principal>): Principal => ({ keyId: `k${Math.random().toString(36).slice(2, 10)}`, role: 'write', namespaces: ['*'], ...fields });
const memoriesIn = async (namespace: string) => (await memos.services.memories.list({ filter: { namespace }, limit: 100, order: 'desc' })).items;

describe('MCP over an in-memory transport', () => {
  it.skipIf(!haveModel)('lists the tools, remembers, recalls (hybrid), gets context and forgets', async () => {
    await rememberRecallForget(await connect(LOCAL_PRINCIPAL), { namespace: 'mcp-memory' });
  });

  it('keeps a key for namespace A out of namespace B, and works in A without being told', async () => {
    const client = await connect(key({ namespaces: ['tenant-a'] }));
    for (const [tool, args] of [
      ['remember', { namespace: 'tenant-b', memories: [{ content: 'planted in B' }] }],
      ['recall', { namespace: 'tenant-b', query: 'planted' }],
      ['get_context', { namespace: 'tenant-b', query: 'planted' }],
      ['list_memories', { namespace: 'tenant-b' }],
      ['record_episode', { namespace: 'tenant-b', kind: 'observation', content: 'planted in B' }],
      ['append_session_messages', { namespace: 'tenant-b', sessionId: 's1', messages: [{ role: 'user', content: 'planted in B' }] }],
    ] as const) {
      const result = await callTool(client, tool, args);
      expect(result.isError, tool).toBe(true);
      expect(textOf(result)).toBe("E_FORBIDDEN: namespace: this connection works in namespace 'tenant-a' only");
    }
    expect(await memoriesIn('tenant-b')).toEqual([]);
    expect((await memos.services.episodes.timeline({ filter: { namespace: 'tenant-b' }, limit: 10, order: 'asc' })).items).toEqual([]);

    const stored = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'written where the key lives' }] }));
    expect(stored.namespace).toBe('tenant-a');
    expect((await memoriesIn('tenant-a')).map((memory) => memory.id)).toEqual(stored.ids);
  });

  it('keeps a key for several namespaces within them, and forgets no memory of another namespace', async () => {
    const [other] = await memos.services.memories.upsert('tenant-c', [{ content: 'a memory of tenant C' }]);
    const client = await connect(key({ namespaces: ['tenant-a', 'tenant-d'] }));
    const refused = await callTool(client, 'recall', { namespace: 'tenant-c', query: 'memory' });
    expect(textOf(refused)).toBe("E_FORBIDDEN: namespace: this key does not reach namespace 'tenant-c'");
    const unnamed = await callTool(client, 'list_memories', {});
    expect(textOf(unnamed)).toBe("E_FORBIDDEN: namespace: name one: this key reaches several namespaces, and not 'default'");
    // By id, from a namespace it reaches: not found, and still there.
    const forget = await callTool(client, 'forget', { namespace: 'tenant-d', id: other!.memory.id });
    expect(textOf(forget)).toMatch(/^E_NOT_FOUND: /);
    expect((await memoriesIn('tenant-c')).map((memory) => memory.id)).toEqual([other!.memory.id]);
  });

  it('refuses writes and forgetting to a read key, and lets it read', async () => {
    const client = await connect(key({ role: 'read', namespaces: ['read-only'] }));
    for (const [tool, args] of [
      ['remember', { memories: [{ content: 'should not be stored' }] }],
      ['forget', { id: 'mem_1' }],
      ['record_episode', { kind: 'observation', content: 'should not be stored' }],
      ['append_session_messages', { sessionId: 's1', messages: [{ role: 'user', content: 'should not be stored' }] }],
    ] as const) {
      const result = await callTool(client, tool, args);
      expect(textOf(result), tool).toBe(`E_FORBIDDEN: this key's role is read; ${tool} needs write`);
    }
    expect(await memoriesIn('read-only')).toEqual([]);
    expect(structuredOf(await callTool(client, 'list_memories', {})).items).toEqual([]);
  });

  it('lets a user-bound key see and change only its own user', async () => {
    const [bobs] = await memos.services.memories.upsert('people', [{ content: 'Bob keeps his spare key under the mat', userId: 'bob' }]);
    const client = await connect(key({ namespaces: ['people'], userId: 'alice' }));
    const mine = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Alice keeps her spare key with a neighbour' }] }));
    expect((await memos.services.memories.get({ namespace: 'people', id: mine.ids[0] })).userId).toBe('alice');

    const recalled = structuredOf(await callTool(client, 'recall', { query: 'spare key', mode: 'keyword' }));
    expect(recalled.hits.map((hit: { id: string }) => hit.id)).toEqual(mine.ids);
    expect(structuredOf(await callTool(client, 'list_memories', {})).items.map((item: { id: string }) => item.id)).toEqual(mine.ids);
    const labelled = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Alice flies to Oslo in May', metadata: { topic: 'travel' } }] }));
    expect(structuredOf(await callTool(client, 'list_memories', { metadata: { topic: 'travel' } })).items.map((item: { id: string }) => item.id)).toEqual(labelled.ids);
    await memos.services.memories.delete({ namespace: 'people', id: labelled.ids[0] });
    const bundle = structuredOf(await callTool(client, 'get_context', { query: 'spare key' }));
    expect(bundle.text).not.toContain('Bob');

    expect(textOf(await callTool(client, 'recall', { query: 'spare key', userId: 'bob' }))).toBe('E_FORBIDDEN: userId: names another user than the one this connection acts as');
    const planted = await callTool(client, 'remember', { memories: [{ content: 'planted for bob', userId: 'bob' }] });
    expect(textOf(planted)).toBe('E_FORBIDDEN: memories[0].userId: names another user than the one this connection acts as');
    expect(textOf(await callTool(client, 'forget', { id: bobs!.memory.id }))).toMatch(/^E_NOT_FOUND: /);
    expect((await memos.services.memories.get({ namespace: 'people', id: bobs!.memory.id })).content).toContain('Bob');
  });

  it('pins the namespace and user the mcp settings name', async () => {
    const config = { ...memos.config, mcp: { namespace: 'pinned', userId: 'carol' } };
    const client = await connect(LOCAL_PRINCIPAL, config);
    const stored = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'Carol likes green tea' }] }));
    expect(await memos.services.memories.get({ namespace: 'pinned', id: stored.ids[0] })).toMatchObject({ userId: 'carol' });
    expect((await callTool(client, 'recall', { namespace: 'default', query: 'tea' })).isError).toBe(true);
    expect((await callTool(client, 'list_memories', { userId: 'dave' })).isError).toBe(true);
  });

  it('records episodes, interventions and session messages, and refuses an intervention without a task', async () => {
    const client = await connect(LOCAL_PRINCIPAL);
    const scope = { namespace: 'mcp-episodes', userId: 'erin' };
    const episode = structuredOf(
      await callTool(client, 'record_episode', { ...scope, kind: 'intervention', content: 'Suggested a window seat', task: 'book a flight', context: 'Lisbon to Boston', outcome: 'task_completed' }),
    );
    const stored = await memos.services.episodes.get({ namespace: 'mcp-episodes', id: episode.id });
    expect(stored).toMatchObject({ kind: 'intervention', task: 'book a flight', outcome: 'task_completed', userId: 'erin' });

    const noTask = await callTool(client, 'record_episode', { ...scope, kind: 'intervention', content: 'no task' });
    expect(noTask.isError).toBe(true);
    expect(textOf(noTask)).toContain('task');

    const appended = structuredOf(await callTool(client, 'append_session_messages', { ...scope, sessionId: 'trip', messages: [{ role: 'user', content: 'Book me a flight' }, { role: 'assistant', content: 'Window seat?' }] }));
    expect(appended).toMatchObject({ sessionId: 'trip', created: true, messageCount: 2 });
    const bundle = structuredOf(await callTool(client, 'get_context', { ...scope, sessionId: 'trip' }));
    expect(bundle).toMatchObject({ sessionId: 'trip', messageCount: 2, querySource: 'last-user-message' });
  });

  it('reads a memory as a resource, within the connection’s reach', async () => {
    const [memory] = await memos.services.memories.upsert('default', [{ content: 'Resources are JSON', userId: 'frank' }]);
    const admin = await connect(LOCAL_PRINCIPAL);
    const read = await admin.readResource({ uri: `memos://memories/${memory!.memory.id}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ id: memory!.memory.id, content: 'Resources are JSON' });
    const other = await connect(key({ namespaces: ['default'], userId: 'gina' }));
    await expect(other.readResource({ uri: `memos://memories/${memory!.memory.id}` })).rejects.toThrow(/E_NOT_FOUND/);
  });

  it('records writes and forgets in the audit log with the key and the routes’ actions, never the text', async () => {
    const principal = key({ namespaces: ['audited'] });
    const client = await connect(principal);
    const stored = structuredOf(await callTool(client, 'remember', { memories: [{ content: 'an audited secret phrase' }] }));
    await callTool(client, 'forget', { id: stored.ids[0] });
    await callTool(client, 'recall', { namespace: 'elsewhere', query: 'x' });
    await memos.services.audit.flush();
    const entries = (await memos.services.audit.list({ filter: { keyId: principal.keyId }, limit: 10 })).items;
    expect(entries.map((entry) => [entry.action, entry.method, entry.route, entry.outcome]).sort()).toEqual([
      ['memories.delete', 'MCP', 'mcp/forget', 'ok'],
      ['memories.upsert', 'MCP', 'mcp/remember', 'ok'],
    ]);
    expect(entries.find((entry) => entry.action === 'memories.delete')?.recordIds).toEqual([stored.ids[0]]);
    expect(JSON.stringify(entries)).not.toContain('secret phrase');
  });

  it('refuses bad arguments as tool errors that name the field and echo no value', async () => {
    const client = await connect(LOCAL_PRINCIPAL);
    const secret = 'plantedsecretvalue';
    for (const args of [
      { memories: [{ content: `about ${secret}`, kind: `${secret}kind` }] },
      { memories: [{ content: `about ${secret}`, importance: 7 }] },
      { memories: [{ content: `${secret} `.repeat(memos.config.limits.contentBytes) }] },
      { memories: [{ content: `about ${secret}`, metadata: { note: secret.repeat(memos.config.limits.metadataBytes) } }] },
      { memories: [{ content: `about ${secret}`, [secret]: true }] },
      { memories: [{ content: `about ${secret}\u0000` }] },
    ]) {
      const result = await callTool(client, 'remember', args);
      expect(result.isError, JSON.stringify(args).slice(0, 80)).toBe(true);
      expect(textOf(result)).toContain('memories');
      expect(textOf(result)).not.toContain(`about ${secret}`);
      expect(textOf(result).replaceAll(`"${secret}"`, '')).not.toMatch(/plantedsecretvalue(kind| )/);
    }
    expect(await memoriesIn('default')).not.toContainEqual(expect.objectContaining({ content: expect.stringContaining(secret) }));
  });

  it('answers an unexpected failure with a generic message that holds nothing of it', () => {
    const result = toolError(memos.logger, 'remember', new Error('driver said: planted secret text'));
    expect(result).toEqual({ isError: true, content: [{ type: 'text', text: GENERIC_FAILURE }] });
  });
});
