import type { AddressInfo } from 'node:net';
import type { TestMemos } from './test-memos.js';

/** One JSON request over real HTTP: the response (headers, status) and its parsed body. */
export type HttpCall = (method: string, path: string, body?: unknown) => Promise<{ response: Response; body: Record<string, unknown> }>;

/**
 * Puts a test memOS on an ephemeral loopback port and returns a caller for it: faults show on real
 * sockets, which `inject()` never opens.
 */
export async function listenForCalls(memos: TestMemos): Promise<HttpCall> {
  await memos.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(memos.app.server.address() as AddressInfo).port}`;
  return async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { response, body: (await response.json()) as Record<string, unknown> };
  };
}
