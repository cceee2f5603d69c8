// MCP over streamable HTTP at `/mcp` on a listening memOS (127.0.0.1, a free port), with API keys
// made through the API, through the real SDK client.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, rememberRecallForget, structuredOf, textOf } from '../../test/support/mcp-round-trip.js';
import { haveModel, MODEL_PATH } from '../../test/support/test-model.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

let memos: TestMemos;
let url: string;
let admin: string;
const clients: Client[] = [];

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function createKey(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${url.replace(/\/mcp$/, '')}/api/v1/admin/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { key: string }).key;
}

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'memos-http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  clients.push(client);
  return client;
}

beforeAll(async () => {
  memos = await startTestMemos(haveModel ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : {});
  const address = await memos.app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address}/mcp`;
  // The first key is made while no key exists (loopback, auth auto); from then on keys are required.
  const first = await memos.json('POST', '/api/v1/admin/keys', { role: 'admin', namespaces: ['*'], name: 'test admin' });
  admin = first.body.key;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await memos?.close();
});

describe('MCP over streamable HTTP at /mcp', () => {
  it.skipIf(!haveModel)('lists the tools, remembers, recalls, gets context and forgets with a write key', async () => {
    const key = await createKey({ role: 'write', namespaces: ['http-a'] });
    await rememberRecallForget(await connect(key));
  });

  it('keeps a key for namespace A out of namespace B', async () => {
    const client = await connect(await createKey({ role: 'write', namespaces: ['http-a'] }));
    const planted = await callTool(client, 'remember', { namespace: 'http-b', memories: [{ content: 'planted over HTTP' }] });
    expect(textOf(planted)).toBe("E_FORBIDDEN: namespace: this connection works in namespace 'http-a' only");
    const listed = await memos.json('GET', '/api/v1/memories?namespace=http-b', undefined);
    expect(listed.status).toBe(401);
    const inB = await fetch(`${url.replace(/\/mcp$/, '')}/api/v1/memories?namespace=http-b`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await inB.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('refuses remember to a read key, and recalls for it', async () => {
    const client = await connect(await createKey({ role: 'read', namespaces: ['http-read'] }));
    expect(textOf(await callTool(client, 'remember', { memories: [{ content: 'no' }] }))).toBe("E_FORBIDDEN: this key's role is read; remember needs write");
    expect(structuredOf(await callTool(client, 'recall', { query: 'anything', mode: 'keyword' })).hits).toEqual([]);
  });

  it('answers 401 with the same WWW-Authenticate as other routes to no key and to a bad key', async () => {
    const none = await fetch(url, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INIT) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="memOS"');
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: 'Bearer memos_nope_nope' }, body: JSON.stringify(INIT) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="memOS", error="invalid_token"');
    const other = await fetch(`${url.replace(/\/mcp$/, '')}/api/v1/memories`, { headers: { authorization: 'Bearer memos_nope_nope' } });
    expect(other.headers.get('www-authenticate')).toBe(bad.headers.get('www-authenticate'));
  });

  it('answers GET and DELETE with 405 problem+json naming POST (stateless: no stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(url, { method, headers: { authorization: `Bearer ${admin}`, accept: 'text/event-stream' } });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('answers bad bodies with 4xx, never 5xx', async () => {
    const post = (body: string, headers: Record<string, string> = MCP_HEADERS) => fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${admin}` }, body });
    const cases: Array<[string, Record<string, string>?]> = [
      ['not json'],
      ['{"jsonrpc":"2.0"'],
      ['[]'],
      ['{}'],
      ['{"jsonrpc":"1.0","id":1,"method":"tools/list"}'],
      ['{"jsonrpc":"2.0","id":1,"method":42}'],
      ['"just a string"'],
      [JSON.stringify(INIT), { 'content-type': 'application/json', accept: 'text/html' }],
      [JSON.stringify(INIT), { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' }],
    ];
    for (const [body, headers] of cases) {
      const response = await post(body, headers);
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
    }
  });

  it('applies the key\'s rate limit and the body limit to /mcp as to any route', async () => {
    const limited = await createKey({ role: 'read', namespaces: ['http-a'], rateLimit: { perSecond: 1, burst: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${limited}` }, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list' }) });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);

    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'remember', arguments: { memories: [{ content: 'x'.repeat(memos.config.limits.bodyBytes + 1) }] } } });
    const tooLarge = await fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${admin}` }, body: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers a tool call with arguments that fail validation as a tool error, not an HTTP error', async () => {
    const client = await connect(admin);
    const result = await callTool(client, 'remember', { memories: [] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('memories');
  });
});
