import { describe, expect, it } from 'vitest';
import { tidyComponents } from './components.js';
import { routeProblems } from './route-problems.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('tidyComponents', () => {
  it('gives request-only copies the plain name, merges same twins, keeps different ones and drops the unused', () => {
    const document = {
      paths: {
        '/w': { post: { requestBody: { content: { 'application/json': { schema: ref('WriteInput') } } }, responses: { 200: { content: { 'application/json': { schema: ref('Page') } } } } } },
        '/r': { post: { requestBody: { content: { 'application/json': { schema: ref('PageInput') } } } } },
      },
      components: {
        schemas: {
          Write: { type: 'object', properties: { item: ref('Item') } },
          WriteInput: { type: 'object', properties: { item: ref('ItemInput') } },
          Item: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
          ItemInput: { type: 'object', properties: { kind: { type: 'string', default: 'fact' } } },
          Page: { type: 'object', properties: { tag: ref('Tag') } },
          PageInput: { type: 'object', properties: { tag: ref('TagInput') } },
          Tag: { type: 'string' },
          TagInput: { type: 'string' },
          Orphan: { type: 'string' },
        },
      },
    };
    tidyComponents(document);
    expect(Object.keys(document.components.schemas)).toEqual(['Item', 'Page', 'Tag', 'Write']);
    // The request-only pair: the input side under the plain name (its default kept).
    expect(document.paths['/w'].post.requestBody.content['application/json'].schema).toEqual(ref('Write'));
    expect(document.components.schemas.Item).toEqual({ type: 'object', properties: { kind: { type: 'string', default: 'fact' } } });
    // Same on both sides once their parts merged: one schema.
    expect(document.paths['/r'].post.requestBody.content['application/json'].schema).toEqual(ref('Page'));
  });
});

describe('routeProblems', () => {
  it('lets a route add, reword or leave out a status through config.problems', () => {
    const route = {
      method: 'POST',
      url: '/api/v1/things/:id',
      handler: () => undefined,
      schema: { params: {}, body: {} },
      config: { access: 'write' as const, namespace: 'default' as const, problems: { 404: false as const, 409: 'The thing changed meanwhile' } },
    };
    const problems = routeProblems(route as never, 'POST');
    expect(Object.keys(problems).map(Number)).toEqual([400, 401, 403, 409, 413, 415, 421, 429, 500, 503]);
    expect(problems[409]).toBe('The thing changed meanwhile');
    expect(problems[403]).toMatch(/`write` or `admin`/);
  });
});
