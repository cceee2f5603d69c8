// Each route accepts the bodies its valid requests need, no more: 413 problem+json naming the limit.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { bodyLimits, SMALL_BODY_BYTES } from './body-limits.js';

const KiB = 1024;
const LIMITS = { MEMOS_MAX_CONTENT_BYTES: '256', MEMOS_MAX_METADATA_BYTES: '64', MEMOS_MAX_BATCH_ITEMS: '2' };

let memos: TestMemos;
beforeAll(async () => {
  memos = await startTestMemos(LIMITS);
});
afterAll(async () => memos.close());

const post = (url: string, payload: string) => memos.request({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

/** JSON as an encoder that escapes every non-ASCII character writes it (an emoji becomes 12 bytes). */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('body limits', () => {
  it('answers a search body over 64 KiB with 413 problem+json naming the limit, before validating it', async () => {
    const response = await post('/api/v1/search', JSON.stringify({ query: 'q', filters: { metadata: { note: 'n'.repeat(SMALL_BODY_BYTES) } } }));
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', field: 'body', status: 413 });
    expect(response.json().detail).toBe(`body: must be at most ${SMALL_BODY_BYTES} bytes on POST /api/v1/search (requests without large fields)`);
  });

  it('accepts a full batch at the size limits, even with every character escaped', async () => {
    // 64 emoji are 256 UTF-8 bytes (the content limit) and 768 bytes of escaped JSON.
    const content = '😀'.repeat(64);
    const memory = { content, metadata: { k: 'v'.repeat(50) }, sourceEpisodeIds: Array.from({ length: 256 }, (_, i) => `${'e'.repeat(124)}${String(i).padStart(4, '0')}`) };
    const body = asciiJson({ namespace: 'limits', memories: [memory, { ...memory, content: `${content.slice(2)}!!!!` }] });
    const response = await post('/api/v1/memories', body);
    expect(response.statusCode, response.body).toBe(201);

    const episode = { kind: 'intervention', content, task: content, context: content, outcome: 'unknown', metadata: { k: 'v'.repeat(50) } };
    expect((await post('/api/v1/episodes', asciiJson({ namespace: 'limits', episodes: [episode, episode] }))).statusCode).toBe(201);
  });

  it('sizes batch writes from limits.batchItems and the size limits', async () => {
    const limit = bodyLimits({ contentBytes: 256, metadataBytes: 64, metadataDepth: 8, stateBytes: 64 * KiB, batchItems: 2, bodyBytes: 8 * 1024 * KiB }).get('POST /api/v1/memories')!;
    expect(limit.basis).toBe('a full batch at limits.batchItems and the size limits');
    const response = await post('/api/v1/memories', JSON.stringify({ namespace: 'limits', memories: [{ content: 'x', metadata: { pad: ' '.repeat(limit.bytes) } }] }));
    expect(response.statusCode).toBe(413);
    expect(response.json().detail).toContain(`at most ${limit.bytes} bytes on POST /api/v1/memories (a full batch at limits.batchItems and the size limits)`);
  });

  it('caps every route at limits.bodyBytes, and names MEMOS_MAX_BODY_BYTES', async () => {
    const capped = await startTestMemos({ MEMOS_MAX_BODY_BYTES: String(100 * KiB) });
    try {
      const texts = Array.from({ length: 4 }, () => 'w'.repeat(30 * KiB));
      const response = await capped.request({ method: 'POST', url: '/api/v1/embeddings/batch', payload: { texts } });
      expect(response.statusCode).toBe(413);
      expect(response.json().detail).toBe(`body: must be at most ${100 * KiB} bytes on POST /api/v1/embeddings/batch (limits.bodyBytes, MEMOS_MAX_BODY_BYTES)`);
      // Just under the cap is read and validated (no embedder here: 503, not 413).
      const under = await capped.request({ method: 'POST', url: '/api/v1/embeddings/batch', payload: { texts: texts.slice(0, 3) } });
      expect(under.statusCode).not.toBe(413);
    } finally {
      await capped.close();
    }
  });

  it('gives every route that takes a body a limit sized for it', async () => {
    const openapi = (await memos.json('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    // JSON bodies only: the NDJSON stream of an import is read line by line, each line bounded by limits.bodyBytes (transfer.ts).
    const withBodies = Object.entries(openapi.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.requestBody?.content['application/json'] !== undefined)
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const sized = [...bodyLimits({ contentBytes: 1, metadataBytes: 2, metadataDepth: 1, stateBytes: 2, batchItems: 1, bodyBytes: 64 * KiB }).keys()];
    // Routes whose bodies hold no more than a namespace or a flag keep the small limit every unknown route has.
    const small = ['POST /api/v1/embeddings/cache/clear', 'POST /api/v1/admin/reindex', 'POST /api/v1/admin/keys'];
    expect(withBodies.filter((route) => !sized.includes(route) && !small.includes(route))).toEqual([]);
    expect(sized.filter((route) => !withBodies.includes(route))).toEqual([]);
  });
});

describe('body limits on a real socket', () => {
  let port: number;
  beforeAll(async () => {
    const address = await memos.app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(address).port);
  });

  /** Sends `head`, then `chunks()` one at a time until the server answers; the answer and the bytes sent before it. */
  function exchange(head: string, chunks: () => Buffer | undefined): Promise<{ answer: string; sent: number }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      let answered = false;
      const timer = setTimeout(() => socket.destroy(new Error('no answer in 10 s')), 10_000);
      socket.on('data', (data) => {
        answered = true;
        answer += data.toString();
      });
      socket.on('error', (error) => (answered ? undefined : reject(error)));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ answer, sent });
      });
      socket.write(head);
      const next = () => {
        if (answered || socket.destroyed) return;
        const chunk = chunks();
        if (chunk === undefined) return;
        sent += chunk.length;
        socket.write(chunk, () => setTimeout(next, 2));
      };
      next();
    });
  }

  it('refuses a body by its Content-Length without reading it', async () => {
    const head = 'POST /api/v1/memories HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n';
    const { answer, sent } = await exchange(head, () => undefined);
    expect(sent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"E_PAYLOAD_TOO_LARGE"');
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const head = 'POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const piece = Buffer.from(`4000\r\n${'a'.repeat(16 * KiB)}\r\n`);
    let budget = 256; // at most 4 MiB, far past the 64 KiB limit
    const { answer, sent } = await exchange(head, () => (budget-- > 0 ? piece : undefined));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain(`at most ${SMALL_BODY_BYTES} bytes`);
    // The answer came while the client was still sending, soon after the limit, not after the 4 MiB it would have sent.
    expect(sent).toBeLessThan(512 * KiB);
  });
});
