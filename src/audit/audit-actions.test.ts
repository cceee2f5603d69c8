// Every route memOS serves is either in the audit table or named as never recorded, so that a new
// route cannot be forgotten; and every route that is not a plain read is always recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { AUDIT_ACTIONS, NOT_AUDITED, auditActionOf } from './audit-actions.js';

let memos: TestMemos;
let routes: string[];
beforeAll(async () => {
  memos = await startTestMemos();
  const spec = (await memos.json('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  // OpenAPI writes `{id}` where Fastify's pattern has `:id`.
  routes = Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1').replace('{*}', '*')}`),
  );
});
afterAll(async () => {
  await memos.close();
});

describe('the audit route table', () => {
  it('names every route of /openapi.json, as recorded or as never recorded', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const missing = routes.filter((route) => AUDIT_ACTIONS[route] === undefined && NOT_AUDITED[route] === undefined);
    expect(missing, 'add these to src/audit/audit-actions.ts').toEqual([]);
  });

  it('records every route that is not a plain read, whatever audit.reads says', () => {
    const plainReads = new Set(['POST /api/v1/search', 'POST /api/v1/context', 'POST /v1/embeddings', 'POST /api/v1/embeddings', 'POST /api/v1/embeddings/batch']);
    for (const route of routes.filter((route) => !route.startsWith('GET ') && !plainReads.has(route))) {
      expect(AUDIT_ACTIONS[route]?.kind, route).toMatch(/^(change|admin)$/);
    }
    for (const route of plainReads) expect(AUDIT_ACTIONS[route]?.kind, route).toBe('read');
  });

  it('takes a HEAD as its GET, and knows no route twice', () => {
    expect(auditActionOf('HEAD', '/api/v1/memories/:id')).toEqual(AUDIT_ACTIONS['GET /api/v1/memories/:id']);
    expect(Object.keys(AUDIT_ACTIONS).filter((route) => NOT_AUDITED[route] !== undefined)).toEqual([]);
  });
});
