// Every example of the OpenAPI document memOS serves is valid against its schema, and every request
// example is accepted by a real memOS: each operation is sent as its examples build it (path, query,
// header and body), in an order that makes each one valid (the import example stores the records
// the later examples name), and its answer is checked against the operation's response schema.
// Also: every operation is described and named, and every field of every component is described.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dereference } from '../../../test/support/openapi-refs.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';
import * as example from './examples.js';

type Json = Record<string, unknown>;
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  description?: string;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
  schema: Json;
}
interface Media {
  schema: Json;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

/**
 * Every operation, in the order its examples are sent: each one valid after those before it. The
 * import example stores the memory and the episode the later examples name; erasures come last.
 */
const ORDER = [
  'getServiceInfo',
  'getHealth',
  'getHealthDetailed',
  'getLiveness',
  'getReadiness',
  'getMetrics',
  'getRecentRequests',
  'getCaller',
  'importRecords',
  'putSession',
  'getSession',
  'appendSessionMessages',
  'writeEpisodes',
  'listEpisodes',
  'getEpisode',
  'writeMemories',
  'listMemories',
  'getMemory',
  'updateMemory',
  'confirmMemory',
  'getMemoryHistory',
  'getMemorySources',
  'listConflicts',
  'search',
  'getContext',
  'listModels',
  'getModel',
  'createEmbeddings',
  'embed',
  'embedBatch',
  'getEmbeddingCacheStats',
  'clearEmbeddingCache',
  'getCacheStats',
  'clearCache',
  'getReindex',
  'startReindex',
  'listNamespaces',
  'getStats',
  'listUsers',
  'listSessions',
  'exportNamespace',
  'createKey',
  'listKeys',
  'listAuditEntries',
  'revokeKey',
  'deleteSession',
  'deleteEpisode',
  'retractMemory',
  'deleteMemory',
  'eraseUser',
  'getErasureReceipt',
  'eraseNamespace',
];

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operationsOf(document: Document): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

/** The node at a JSON pointer (`#/a/b`). */
function at(root: unknown, pointer: string): Json {
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')], root) as Json;
}

const escape = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every schema node under `node` (through properties, items, additionalProperties and unions), with its pointer; never through a `$ref`. */
function* schemaNodes(node: unknown, pointer: string): Generator<[Json, string]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Json;
  yield [schema, pointer];
  for (const [name, child] of Object.entries((schema.properties as Json | undefined) ?? {})) yield* schemaNodes(child, `${pointer}/properties/${escape(name)}`);
  for (const key of ['items', 'additionalProperties', 'not']) yield* schemaNodes(schema[key], `${pointer}/${key}`);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    for (const [index, child] of ((schema[key] as unknown[] | undefined) ?? []).entries()) yield* schemaNodes(child, `${pointer}/${key}/${index}`);
  }
}

/** The examples a schema node carries: JSON Schema `examples`, and the OpenAPI `example`. */
function examplesOf(schema: Json): unknown[] {
  return [...((schema.examples as unknown[] | undefined) ?? []), ...('example' in schema ? [schema.example] : [])];
}

/** The examples of a parameter or media object, its own and those of its schema. */
function ownExamples(holder: { example?: unknown; examples?: Record<string, { value: unknown }> }): unknown[] {
  return [...('example' in holder ? [holder.example] : []), ...Object.values(holder.examples ?? {}).map((entry) => entry.value)];
}

/** A request's example: the media or parameter's own, else its schema's (in place, or at the component it names). */
function exampleFor(holder: { example?: unknown; examples?: Record<string, { value: unknown }>; schema: Json }, resolved: Json): unknown {
  return [...ownExamples(holder), ...examplesOf(holder.schema), ...examplesOf(resolved)][0];
}

describe.skipIf(!haveModel)('the OpenAPI document', () => {
  let memos: TestMemos;
  let document: Document;
  let resolved: Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  formats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  /** Errors of `value` against the (dereferenced) schema at `pointer`, or undefined when it is valid. */
  const errorsOf = (value: unknown, pointer: string): string | undefined => {
    let validate = validators.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile(at(resolved, pointer));
      validators.set(pointer, validate);
    }
    return validate(value) ? undefined : ajv.errorsText(validate.errors, { dataVar: pointer });
  };

  beforeAll(async () => {
    memos = await startTestMemos({ MEMOS_AUTH: 'off', MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    document = (await memos.json('GET', '/openapi.json')).body as Document;
    resolved = dereference(document);
  });
  afterAll(async () => {
    await memos?.close();
  });

  it('names, sums up, describes and tags every operation, each name once', () => {
    const operations = operationsOf(document);
    for (const { method, path, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, where).toEqual(expect.any(String));
      expect(operation.description?.length ?? 0, where).toBeGreaterThan(60);
      expect(operation.tags?.length, where).toBeGreaterThan(0);
      for (const parameter of operation.parameters ?? []) expect(parameter.description, `${where} ${parameter.in}:${parameter.name}`).toEqual(expect.any(String));
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...ORDER].sort());
  });

  it('describes every field of every component, and names every JSON body', () => {
    const undescribed = Object.entries(document.components.schemas).flatMap(([name, schema]) =>
      [...schemaNodes(schema, `#/components/schemas/${name}`)].flatMap(([node, pointer]) =>
        Object.entries((node.properties as Record<string, Json> | undefined) ?? {})
          .filter(([, property]) => property.$ref === undefined && typeof property.description !== 'string')
          .map(([field]) => `${pointer}.${field}`),
      ),
    );
    expect(undescribed).toEqual([]);
    for (const { method, path, operation } of operationsOf(document)) {
      const bodies = [
        ...Object.entries(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.entries(response.content ?? {})),
      ].filter(([type]) => type !== 'text/plain');
      for (const [type, media] of bodies) expect(media.schema.$ref, `${method.toUpperCase()} ${path} ${type}`).toMatch(/^#\/components\/schemas\/[A-Z]\w+$/);
    }
  });

  it('gives every request body, and the main answers, an example', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      const bodies = [...Object.entries(operation.requestBody?.content ?? {}), ...Object.entries(operation.responses['200']?.content ?? operation.responses['201']?.content ?? {})];
      for (const [type, media] of bodies) {
        const schema = media.schema.$ref === undefined ? media.schema : at(resolved, media.schema.$ref as string);
        expect(exampleFor(media, schema), `${method.toUpperCase()} ${path} ${type}`).toBeDefined();
      }
    }
  });

  it('holds only examples that are valid against their schema', () => {
    const checked: string[] = [];
    const invalid: string[] = [];
    const check = (value: unknown, pointer: string) => {
      checked.push(pointer);
      const errors = errorsOf(value, pointer);
      if (errors !== undefined) invalid.push(errors);
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      for (const [node, pointer] of schemaNodes(schema, `#/components/schemas/${name}`)) for (const value of examplesOf(node)) check(value, pointer);
    }
    // Operations as dereferenced: a media type's named examples are `$ref`s to components.examples.
    for (const { method, path, operation } of operationsOf(resolved)) {
      const base = `#/paths/${escape(path)}/${method}`;
      for (const [index, parameter] of (operation.parameters ?? []).entries()) {
        for (const value of ownExamples(parameter)) check(value, `${base}/parameters/${index}/schema`);
        for (const [node, pointer] of schemaNodes(parameter.schema, `${base}/parameters/${index}/schema`)) for (const value of examplesOf(node)) check(value, pointer);
      }
      const media = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(([type, entry]) => [`${base}/requestBody/content/${escape(type)}`, entry] as const),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map(([type, entry]) => [`${base}/responses/${status}/content/${escape(type)}`, entry] as const),
        ),
      ];
      for (const [pointer, entry] of media) {
        for (const value of ownExamples(entry)) check(value, `${pointer}/schema`);
        for (const [node, inner] of schemaNodes(entry.schema, `${pointer}/schema`)) for (const value of examplesOf(node)) check(value, inner);
      }
    }
    expect(invalid).toEqual([]);
    expect(checked.length).toBeGreaterThan(80);
  });

  it('accepts every request example at a real memOS, and answers in the shape the document gives', async () => {
    const byId = new Map(operationsOf(document).map((entry) => [entry.operation.operationId ?? '', entry]));
    // Values the server makes itself: the examples show typical ones, the requests send the real ones.
    const made = new Map<string, string>();
    const real = (value: unknown): unknown => {
      if (typeof value === 'string') return made.get(value) ?? value;
      if (Array.isArray(value)) return value.map(real);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, real(field)]));
      return value;
    };
    for (const operationId of ORDER) {
      const entry = byId.get(operationId);
      expect(entry, operationId).toBeDefined();
      const { method, path, operation } = entry!;
      const base = `#/paths/${escape(path)}/${method}`;
      let url = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const [index, parameter] of (operation.parameters ?? []).entries()) {
        const value = real(exampleFor(parameter, at(resolved, `${base}/parameters/${index}/schema`)));
        if (value === undefined) {
          expect(parameter.in, `${operationId}: path parameter ${parameter.name} has an example`).not.toBe('path');
          continue;
        }
        if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)).replace(/%2F/g, '/'));
        else if (parameter.in === 'query') query.append(parameter.name, String(value));
        else headers[parameter.name] = String(value);
      }
      let payload: string | undefined;
      const [type, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      if (type !== undefined && media !== undefined) {
        const body = real(exampleFor(media, at(resolved, `${base}/requestBody/content/${escape(type)}/schema`)));
        expect(body, `${operationId}: request body example`).toBeDefined();
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] = type;
      }
      const search = query.toString();
      const answer = await memos.request({ method: method.toUpperCase() as 'GET', url: search === '' ? url : `${url}?${search}`, headers, ...(payload === undefined ? {} : { payload }) });
      expect(answer.statusCode, `${operationId} ${method.toUpperCase()} ${url}: ${answer.body.slice(0, 500)}`).toBeGreaterThanOrEqual(200);
      expect(answer.statusCode, `${operationId} ${method.toUpperCase()} ${url}: ${answer.body.slice(0, 500)}`).toBeLessThan(300);
      const response = operation.responses[String(answer.statusCode)];
      expect(response, `${operationId} documents ${answer.statusCode}`).toBeDefined();
      if (String(answer.headers['content-type']).startsWith('application/json')) {
        const value: unknown = answer.json();
        expect(errorsOf(value, `${base}/responses/${answer.statusCode}/content/application~1json/schema`), operationId).toBeUndefined();
        const fields = value as { id?: string; receiptId?: string; data?: Array<{ id: string }> };
        if (operationId === 'createKey') made.set(example.KEY_ID, fields.id!);
        if (operationId === 'eraseUser') made.set(example.RECEIPT_ID, fields.receiptId!);
        if (operationId === 'listModels') made.set(example.MODEL_ID, fields.data![0]!.id);
      }
    }
    expect([...made.keys()].sort()).toEqual([example.KEY_ID, example.MODEL_ID, example.RECEIPT_ID].sort());
  });
});
