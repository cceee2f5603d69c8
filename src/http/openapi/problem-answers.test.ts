import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentValidator } from '../../../test/support/openapi-validator.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

// Real error answers of a running memOS, provoked one status at a time, checked against the
// Problem component of the document it serves, and against the statuses the document lists for
// the operation that answered.

const ADMIN = 'an-admin-key-for-problem-tests-0123456789';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the document loosely
type Json = any;

let memos: TestMemos;
let document: Json;
let readKey: string;
let validProblem: ReturnType<typeof componentValidator>;

beforeAll(async () => {
  memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
  document = (await memos.request({ method: 'GET', url: '/openapi.json' })).json();
  validProblem = componentValidator(document, 'Problem');
  const made = await memos.request({ method: 'POST', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${ADMIN}` }, payload: { role: 'read', namespaces: ['default'] } });
  expect(made.statusCode).toBe(201);
  readKey = made.json().key;
});
afterAll(async () => memos.close());

const admin = { authorization: `Bearer ${ADMIN}` };

/** Sends `request`, expects `status` as problem+json valid against the Problem component, listed by the document for `operation`. */
async function expectProblem(operation: [method: string, path: string], request: InjectOptions, status: number): Promise<Json> {
  const answer = await memos.request(request);
  expect(answer.statusCode, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = answer.json();
  expect(validProblem(body), JSON.stringify(validProblem.errors)).toBe(true);
  expect(body.status).toBe(status);
  const [method, path] = operation;
  expect(Object.keys(document.paths[path][method.toLowerCase()].responses), `${method} ${path}`).toContain(String(status));
  return body;
}

describe('error answers of a running memOS', () => {
  it('400: names each offending field, valid against Problem and FieldIssue', async () => {
    const body = await expectProblem(
      ['POST', '/api/v1/memories'],
      { method: 'POST', url: '/api/v1/memories', headers: admin, payload: { memories: [{ content: '' }, { content: 'x', kind: 'bogus' }] } },
      400,
    );
    expect(body).toMatchObject({ code: 'E_VALIDATION', field: 'memories[0].content' });
    expect(body.errors.map((issue: { field: string }) => issue.field)).toEqual(['memories[0].content', 'memories[1].kind']);
  });

  it('400 on an OpenAI-compatible route carries OpenAI’s error object too', async () => {
    const body = await expectProblem(['POST', '/v1/embeddings'], { method: 'POST', url: '/v1/embeddings', headers: admin, payload: { input: [1, 2, 3] } }, 400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'E_VALIDATION' });
  });

  it('401 without a key, 403 for a role the key lacks', async () => {
    const missing = await expectProblem(['GET', '/api/v1/memories'], { method: 'GET', url: '/api/v1/memories' }, 401);
    expect(missing.code).toBe('E_UNAUTHORIZED');
    const refused = await expectProblem(
      ['POST', '/api/v1/memories'],
      { method: 'POST', url: '/api/v1/memories', headers: { authorization: `Bearer ${readKey}` }, payload: { memories: [{ content: 'a fact' }] } },
      403,
    );
    expect(refused.code).toBe('E_FORBIDDEN');
    const elsewhere = await expectProblem(['GET', '/api/v1/memories'], { method: 'GET', url: '/api/v1/memories?namespace=other', headers: { 'x-api-key': readKey } }, 403);
    expect(elsewhere.field).toBe('namespace');
  });

  it('404 for a memory that does not exist, 409 for a stale expectedVersion', async () => {
    const missing = await expectProblem(['GET', '/api/v1/memories/{id}'], { method: 'GET', url: '/api/v1/memories/mem_01JF3K8Q2V7X9C4N6M5B0Z1Y2T', headers: admin }, 404);
    expect(missing.code).toBe('E_NOT_FOUND');
    const written = await memos.request({ method: 'POST', url: '/api/v1/memories', headers: admin, payload: { memories: [{ content: 'Alice prefers window seats' }] } });
    const id = written.json().ids[0] as string;
    const stale = await expectProblem(
      ['PATCH', '/api/v1/memories/{id}'],
      { method: 'PATCH', url: `/api/v1/memories/${id}`, headers: admin, payload: { importance: 0.9, expectedVersion: 7 } },
      409,
    );
    expect(stale.code).toBe('E_CONFLICT');
  });

  it('413 for a body larger than the route takes, 415 for one that is not JSON', async () => {
    const large = await expectProblem(
      ['POST', '/api/v1/search'],
      { method: 'POST', url: '/api/v1/search', headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify({ query: 'x'.repeat(200_000) }) },
      413,
    );
    expect(large).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', field: 'body' });
    const text = await expectProblem(
      ['POST', '/api/v1/search'],
      { method: 'POST', url: '/api/v1/search', headers: { ...admin, 'content-type': 'text/plain' }, payload: 'what does Alice prefer?' },
      415,
    );
    expect(text.code).toBe('E_UNSUPPORTED_MEDIA_TYPE');
  });

  it('421 for a Host memOS does not answer to', async () => {
    const body = await expectProblem(['GET', '/'], { method: 'GET', url: '/', headers: { host: 'rebound.example.net' } }, 421);
    expect(body).toMatchObject({ code: 'E_HOST_NOT_ALLOWED', field: 'host' });
  });
});
