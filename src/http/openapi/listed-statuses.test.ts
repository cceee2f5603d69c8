import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

// Every operation of the document, called wrongly in the usual ways (no key, a key of the lowest
// role, a bad path parameter, an unknown query parameter, a body that is not JSON, a JSON body too
// large, a foreign Host), answers only error statuses its own entry in the document lists.

const ADMIN = 'an-admin-key-for-listed-statuses-0123456789';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the document loosely
type Json = any;

const TOO_LARGE = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });

let memos: TestMemos;
let document: Json;
let readKey: string;

beforeAll(async () => {
  // The smallest body limit memOS allows, so that one modest body is too large for every route.
  memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN, MEMOS_MAX_BODY_BYTES: String(64 * 1024) });
  document = (await memos.request({ method: 'GET', url: '/openapi.json' })).json();
  const made = await memos.request({ method: 'POST', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${ADMIN}` }, payload: { role: 'read', namespaces: ['default'] } });
  readKey = made.json().key;
});
afterAll(async () => memos.close());

describe('the statuses the document lists', () => {
  it('cover what each operation answers to the usual wrong calls', async () => {
    const unlisted: string[] = [];
    const seen = new Set<number>();
    let calls = 0;
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const listed = Object.keys(operation.responses);
        const url = path.replace(/\{[^}]+\}/g, 'x'.repeat(600));
        const plain = path.replace(/\{[^}]+\}/g, 'nothing-here');
        const admin = { authorization: `Bearer ${ADMIN}` };
        const wrongCalls: Array<{ why: string; headers?: Record<string, string>; url?: string; payload?: string }> = [
          { why: 'no key' },
          { why: 'a read key', headers: { authorization: `Bearer ${readKey}` } },
          { why: 'a path parameter too long', headers: admin, url },
          { why: 'an unknown query parameter', headers: admin, url: `${plain}?bogus=1` },
          { why: 'a text body', headers: { ...admin, 'content-type': 'text/plain' }, payload: 'remember this' },
          { why: 'a JSON body too large', headers: { ...admin, 'content-type': 'application/json' }, payload: TOO_LARGE },
          { why: 'a foreign Host', headers: { ...admin, host: 'rebound.example.net' } },
        ];
        for (const call of wrongCalls) {
          const answer = await memos.request({ method: method.toUpperCase() as 'GET', url: call.url ?? plain, headers: call.headers ?? {}, ...(call.payload === undefined ? {} : { payload: call.payload }) });
          calls++;
          seen.add(answer.statusCode);
          if (answer.statusCode >= 400 && !listed.includes(String(answer.statusCode))) unlisted.push(`${method.toUpperCase()} ${path} with ${call.why}: ${answer.statusCode}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(300);
    expect([...seen]).toEqual(expect.arrayContaining([400, 401, 403, 404, 413, 415, 421]));
    expect(unlisted).toEqual([]);
  });
});
