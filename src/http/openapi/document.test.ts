import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentValidator } from '../../../test/support/openapi-validator.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { ERROR_CODES } from '../../core/errors.js';
import { ROUTE_ACCESS } from '../../auth/route-access.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the document loosely
type Json = any;

const PROBLEM_REF = '#/components/schemas/Problem';
const PUBLIC = new Set(Object.entries(ROUTE_ACCESS).flatMap(([route, access]) => (access === 'public' ? [route] : [])));
const AGREED = [
  'Memory', 'MemoryVersion', 'MemoryHistory', 'Episode', 'Session', 'Message', 'Embedding', 'ScoreParts', 'SearchHit', 'SearchResponse', 'ContextBundle',
  'Problem', 'FieldIssue', 'MemoryPage', 'EpisodePage', 'SearchRequest', 'ContextRequest', 'MemoryWrite', 'MemoryDraft', 'MemoryPatch', 'EpisodeWrite',
  'EpisodeDraft', 'SessionPut', 'SessionAppend', 'SessionPage', 'EmbeddingRequest',
];

let memos: TestMemos;
let document: Json;

beforeAll(async () => {
  memos = await startTestMemos();
  document = (await memos.json('GET', '/openapi.json')).body;
});
afterAll(async () => memos.close());

/** Every operation of the document, with its method (upper case) and path template. */
function operations(): Array<{ method: string; path: string; operation: Json }> {
  return Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** The route-access.ts name of an operation: `/api/v1/memories/{id}` → `/api/v1/memories/:id`. */
const routeOf = (method: string, path: string) => `${method} ${path.replace('{*}', '*').replace(/\{([^}]+)\}/g, ':$1')}`;

function refsOf(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsOf(item, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}


describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, and every $ref in it resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<Json>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
      expect(target, ref).toBeTypeOf('object');
    }
  });

  it('names the agreed components, each used, with no unused request-side copies', () => {
    const schemas = document.components.schemas as Record<string, Json>;
    for (const name of AGREED) expect(Object.keys(schemas), name).toContain(name);
    const used = new Set(refsOf(document.paths).concat(refsOf(schemas)).map((ref) => ref.split('/').pop()));
    for (const name of Object.keys(schemas)) {
      expect(used.has(name), `${name} is referred to`).toBe(true);
      if (name.endsWith('Input')) expect(Object.keys(schemas), `${name} has a plain twin`).toContain(name.slice(0, -'Input'.length));
    }
    // Request bodies use the plain names.
    expect(document.paths['/api/v1/memories'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/MemoryWrite');
    expect(document.paths['/api/v1/search'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/SearchRequest');
  });

  it('describes Problem and FieldIssue field by field, with every error code', () => {
    const { Problem, FieldIssue } = document.components.schemas;
    for (const schema of [Problem, FieldIssue]) {
      for (const [field, property] of Object.entries(schema.properties as Record<string, Json>)) expect(property.description, field).toEqual(expect.any(String));
    }
    expect(Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']));
    expect(Problem.properties.code.enum).toEqual([...ERROR_CODES]);
    expect(Problem.properties.errors.items.$ref).toBe('#/components/schemas/FieldIssue');
  });

  it('lists for every operation the errors it can answer, as problems with a valid example', () => {
    const validProblem = componentValidator(document, 'Problem');
    let checked = 0;
    for (const { method, path, operation } of operations()) {
      const name = `${method} ${path}`;
      const route = routeOf(method, path);
      const responses = operation.responses as Record<string, Json>;
      const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      const isPublic = PUBLIC.has(route);
      const roles = operation.security?.[0]?.bearer as string[] | undefined;
      const expected = [
        ...(takesInput ? ['400'] : []),
        ...(isPublic ? [] : ['401']),
        ...(roles !== undefined && roles.length > 0 ? ['403'] : []),
        ...(operation.requestBody?.content['application/json'] !== undefined ? ['413', '415'] : []),
        '421',
        ...(path === '/health/live' || path === '/health/ready' ? [] : ['429']),
        '500',
        '503',
      ];
      expect(Object.keys(responses), name).toEqual(expect.arrayContaining(expected));
      for (const [status, entry] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        // Responses whose meaning does not depend on the route are shared: `#/components/responses/Unauthorized`.
        const response = entry.$ref === undefined ? entry : document.components.responses[entry.$ref.split('/').pop()];
        expect(response.description, `${name} ${status}`).toMatch(/\S/);
        const problem = response.content['application/problem+json'];
        // The readiness probe answers 503 with its own report.
        if (problem === undefined && status === '503' && path.startsWith('/health')) continue;
        expect(problem?.schema.$ref, `${name} ${status}`).toBe(PROBLEM_REF);
        const examples = Object.values(problem.examples as Record<string, { $ref: string }>);
        expect(examples.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const { $ref } of examples) {
          const { value } = document.components.examples[$ref.split('/').pop()!];
          expect(validProblem(value), `${name} ${status} ${$ref}: ${JSON.stringify(validProblem.errors)}`).toBe(true);
          expect(value.status, `${name} ${$ref}`).toBe(Number(status));
          expect(value.error !== undefined, `${name} ${$ref}: OpenAI's error object on /v1/ routes only`).toBe(path.startsWith('/v1/'));
        }
        checked++;
      }
      if (/\{[^}]+\}/.test(path) && !['PUT', 'POST'].includes(method) && !/\/(users|namespaces)\//.test(path)) expect(Object.keys(responses), name).toContain('404');
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('lists 409 where a write can conflict, and 502 where the embedding provider answers', () => {
    const statuses = (method: string, path: string) => Object.keys(document.paths[path][method].responses);
    for (const [method, path] of [
      ['post', '/api/v1/memories'],
      ['patch', '/api/v1/memories/{id}'],
      ['post', '/api/v1/episodes'],
      ['put', '/api/v1/sessions/{sessionId}'],
      ['post', '/api/v1/sessions/{sessionId}/messages'],
      ['delete', '/api/v1/users/{userId}'],
      ['delete', '/api/v1/namespaces/{namespace}'],
      ['post', '/api/v1/import'],
    ] as const) {
      expect(statuses(method, path), `${method} ${path}`).toContain('409');
    }
    for (const path of ['/v1/embeddings', '/api/v1/embeddings', '/api/v1/embeddings/batch']) expect(statuses('post', path)).toContain('502');
    expect(statuses('get', '/api/v1/memories')).not.toContain('409');
    expect(statuses('post', '/api/v1/search')).not.toContain('502');
  });

  it('says which operations are public, and which role the others need', () => {
    for (const { method, path, operation } of operations()) {
      const access = ROUTE_ACCESS[routeOf(method, path)];
      const name = `${method} ${path}`;
      if (access === 'public') expect(operation.security, name).toEqual([]);
      else if (access === 'key') expect(operation.security, name).toBeUndefined();
      else expect(operation.security, name).toEqual([{ bearer: [access] }, { apiKey: [access] }]);
      expect(operation.description, name).toMatch(/\*\*Access:\*\*/);
    }
    expect(document.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(document.components.securitySchemes.bearer.description).toMatch(/memos_<keyId>_<secret>/);
  });

  it('introduces memOS, its keys, namespaces, errors and pages, and declares every tag it uses', () => {
    expect(document.info).toMatchObject({ title: 'memOS API', license: { name: 'MIT', identifier: 'MIT' } });
    for (const words of ['Authorization: Bearer', 'X-Memos-Namespace', 'application/problem+json', 'nextCursor']) expect(document.info.description).toContain(words);
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const declared = (document.tags as Array<{ name: string }>).map((tag) => tag.name);
    for (const { operation } of operations()) for (const tag of operation.tags ?? []) expect(declared).toContain(tag);
    expect(JSON.stringify(document)).not.toContain('x-memos-problems');
    // Every named example and shared response is used; each example carries a summary.
    const used = new Set(refsOf(document.paths).concat(refsOf(document.components.responses)));
    for (const name of Object.keys(document.components.responses)) expect(used.has(`#/components/responses/${name}`), name).toBe(true);
    for (const [name, example] of Object.entries(document.components.examples as Record<string, Json>)) {
      expect(used.has(`#/components/examples/${name}`), name).toBe(true);
      expect(example.summary, name).toEqual(expect.any(String));
    }
  });
});
