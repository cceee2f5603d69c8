import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos } from '../../test/support/test-memos.js';
import { createHashProvider } from '../embeddings/fake/index.js';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: OtlpAttribute[];
}

/** A plain OTLP/HTTP receiver that keeps every JSON body posted to /v1/traces. */
async function startReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    spans: (): OtlpSpan[] =>
      bodies.flatMap((body) =>
        (JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) => scope.spans),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attribute = (span: OtlpSpan, key: string) => {
  const found = span.attributes.find((candidate) => candidate.key === key)?.value;
  return found?.stringValue ?? found?.boolValue ?? (found?.intValue === undefined ? undefined : Number(found.intValue));
};

let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => receiver?.close());

describe('tracing to an OTLP endpoint', () => {
  it('exports a server span per request with store, cache and embedding children, and no memory text', async () => {
    receiver = await startReceiver();
    const memos = await startTestMemos({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'memos-test' }, undefined, createHashProvider());
    const secret = 'Alice is allergic to peanuts';
    expect((await memos.json('POST', '/api/v1/memories', { namespace: 'tenant-a', memories: [{ content: secret }] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'tenant-a', query: 'peanut allergy' })).status).toBe(200);
    await memos.close(); // flushes the spans

    const spans = receiver.spans();
    const server = (name: string) => spans.find((span) => span.name === name)!;
    const write = server('POST /api/v1/memories');
    const search = server('POST /api/v1/search');
    for (const [span, status] of [
      [write, 201],
      [search, 200],
    ] as const) {
      expect(span.parentSpanId ?? '').toBe('');
      expect(attribute(span, 'http.request.method')).toBe('POST');
      expect(attribute(span, 'http.response.status_code')).toBe(status);
      expect(attribute(span, 'memos.namespace')).toBe('tenant-a');
    }
    expect(attribute(search, 'http.route')).toBe('/api/v1/search');

    /** Every span under `root`, at any depth. */
    const under = (root: OtlpSpan): OtlpSpan[] => {
      const children = spans.filter((span) => span.parentSpanId === root.spanId && span.traceId === root.traceId);
      return children.flatMap((child) => [child, ...under(child)]);
    };
    const writeTree = under(write);
    const searchTree = under(search);
    expect(writeTree.map((span) => span.name)).toEqual(expect.arrayContaining(['memos.memories.upsert', 'store semantic.upsert', 'store vector.nearestMemories', 'embed fake', 'cache embeddings get']));
    expect(searchTree.map((span) => span.name)).toEqual(expect.arrayContaining(['memos.search', 'cache responses get', 'cache embeddings get', 'embed fake', 'store semantic.search', 'store vector.search']));

    const upsert = writeTree.find((span) => span.name === 'store semantic.upsert')!;
    expect(attribute(upsert, 'db.system')).toBe('sqlite');
    expect(attribute(writeTree.find((span) => span.name === 'embed fake')!, 'memos.embedding.texts')).toBe(1);
    expect(attribute(searchTree.find((span) => span.name === 'cache responses get')!, 'memos.cache.hit')).toBe(false);
    expect(receiver.bodies.join('\n')).toContain('memos-test');
    expect(receiver.bodies.join('\n')).not.toMatch(/peanut|allergic/);
  });

  it('keeps serving and shuts down cleanly when the collector is down, logging the spans it could not send', async () => {
    const down = await startReceiver();
    await down.close(); // nothing listens on its port any more
    const lines: string[] = [];
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const memos = await startTestMemos({ OTEL_EXPORTER_OTLP_ENDPOINT: down.endpoint, MEMOS_LOG_LEVEL: 'warn' }, undefined, createHashProvider(), logs);
    expect((await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'tea' }] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/search', { query: 'tea' })).status).toBe(200);
    await expect(memos.close()).resolves.toBeUndefined();
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('tracing: the last spans could not be exported');
  });
});
