// The client covers every operation of the document memOS serves: a route added to the server
// fails here until the client has a method for it (and a row in src/routes.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOT_CLIENT_ROUTES, ROUTES } from '../src/routes.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { 'x-hidden'?: boolean; hide?: boolean }>> };

/** `METHOD /path` of every operation in the checked-in document, but the MCP endpoint and hidden routes. */
function documentedOperations(): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    NOT_CLIENT_ROUTES.includes(path) || path === '/docs' || path.startsWith('/docs/')
      ? []
      : Object.entries(operations)
          .filter(([method, operation]) => METHODS.includes(method) && operation['x-hidden'] !== true && operation.hide !== true)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the client route table', () => {
  it('has every operation of openapi.json', () => {
    const missing = documentedOperations().filter((operation) => !(operation in ROUTES));
    expect(missing, `add these to packages/client/src/routes.ts and give the client a method for each: ${missing.join(', ')}`).toEqual([]);
  });

  it('has no operation the document lacks', () => {
    const documented = new Set(documentedOperations());
    expect(Object.keys(ROUTES).filter((operation) => !documented.has(operation))).toEqual([]);
  });

  it('marks a route as taking the namespace header exactly when the document says it does', () => {
    const wrong = Object.entries(ROUTES).filter(([operation, rule]) => {
      const [method, path] = operation.split(' ') as [string, string];
      const parameters = (document.paths[path]?.[method.toLowerCase()] as { parameters?: Array<{ in: string; name: string }> } | undefined)?.parameters ?? [];
      const header = parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'x-memos-namespace');
      return header !== (rule === 'default' || rule === 'any' || rule === 'path');
    });
    expect(wrong).toEqual([]);
  });
});
