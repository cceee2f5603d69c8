// x-request-id: a client's own id is echoed when it is safe, and replaced, never echoed or logged, when it is not.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

let memos: TestMemos;
const lines: string[] = [];
beforeAll(async () => {
  const logs = new PassThrough();
  logs.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  memos = await startTestMemos({ MEMOS_LOG_LEVEL: 'info' }, undefined, undefined, logs);
});
afterAll(async () => memos.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('x-request-id', () => {
  it.each(['req-123', 'a'.repeat(128), 'trace:01HZX.5_b@edge'])('echoes a safe id (%s) in the header, the problem and the log', async (id) => {
    const response = await memos.request({ method: 'GET', url: '/api/v1/nothing', headers: { 'x-request-id': id } });
    expect(response.headers['x-request-id']).toBe(id);
    expect(response.json().requestId).toBe(id);
    expect(lines.some((line) => JSON.parse(line).reqId === id)).toBe(true);
  });

  it.each([
    ['longer than 128 characters', 'a'.repeat(129)],
    ['with a space', 'two words'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a newline escape', 'id\\nforged: header'],
    ['with non-ASCII', 'idé'],
  ])('replaces an id %s with a new one, echoed nowhere', async (_what, id) => {
    const response = await memos.request({ method: 'GET', url: '/api/v1/nothing', headers: { 'x-request-id': id } });
    const replaced = response.headers['x-request-id'] as string;
    expect(replaced).toMatch(UUID);
    expect(response.json().requestId).toBe(replaced);
    expect(response.body).not.toContain(id);
    expect(lines.join('\n')).not.toContain(id);
  });

  it('gives a request without an id a new one', async () => {
    const response = await memos.request({ method: 'GET', url: '/health/live' });
    expect(response.headers['x-request-id']).toMatch(UUID);
  });
});
