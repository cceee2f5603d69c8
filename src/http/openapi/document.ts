// The options of @fastify/swagger that make memOS's OpenAPI 3.1 document: its introduction, the
// security schemes, and two steps around fastify-type-provider-zod's transforms. Per route, the
// operation gets its security requirement (the role it needs) and the error statuses it can answer
// (route-problems.ts); over the whole document, those statuses become responses with the Problem
// schema and an example, and the components are tidied (components.ts).

import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema, RouteOptions } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { fieldIssueSchema, PROBLEM_CONTENT_TYPE, problemSchema } from '../problem.js';
import { tidyComponents } from './components.js';
import { INTRODUCTION, SECURITY_SCHEMES, TAGS } from './introduction.js';
import { exampleNames, exampleObject } from './problem-examples.js';
import { reachOf, routeProblems, type RouteProblems } from './route-problems.js';
import type { SchemaNames } from './schema-names.js';

/** Where the transform leaves each operation's error statuses for the document step (removed there). */
const PROBLEMS_KEY = 'x-memos-problems';

type JsonObject = Record<string, unknown>;
type Operation = JsonObject & { responses?: Record<string, unknown>; parameters?: unknown; [PROBLEMS_KEY]?: RouteProblems };

/** Headers that come with some error statuses. */
const PROBLEM_HEADERS: Record<number, JsonObject> = {
  401: { 'WWW-Authenticate': { description: '`Bearer realm="memOS"`, with `error="invalid_token"` when a key was sent but is not valid', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } },
  503: { 'Retry-After': { description: 'Seconds to wait before retrying, when memOS knows (storage failing over, an embedder still loading)', schema: { type: 'integer', minimum: 1 } } },
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Names the Problem and FieldIssue components in an app's document. */
export function nameProblemSchemas(schemas: SchemaNames): void {
  schemas.name('FieldIssue', fieldIssueSchema);
  schemas.name('Problem', problemSchema);
}

/** The access line appended to an operation's description, and its security requirement. */
function accessOf(route: RouteOptions): { line: string; security?: Array<Record<string, string[]>> } {
  const access = route.config?.access ?? 'public';
  if (access === 'public') return { line: '**Access:** public, no key needed.' };
  if (access === 'key') return { line: '**Access:** any valid API key, whatever its role and namespaces.' };
  const security: Array<Record<string, string[]>> = [{ bearer: [access] }, { apiKey: [access] }];
  return { line: `**Access:** a key of role \`${access}\` or above, ${reachOf(route).needed}.`, security };
}

/** What a success answer is, for responses whose schema gives no description (swagger's default is "Default Response"). */
const SUCCESS_WORDS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: the work goes on in the background',
  204: 'Done; no body',
};

/** Whether an operation takes a namespace: as a parameter (the body's `namespace` goes with the same header). */
function takesNamespace(operation: Operation): boolean {
  const parameters = (operation.parameters ?? []) as Array<{ name?: string }>;
  return parameters.some((parameter) => parameter.name === 'namespace' || parameter.name === 'x-memos-namespace');
}

/**
 * Turns each operation's error statuses into responses with the Problem schema and named examples,
 * and puts the examples they use into `components.examples`.
 */
function addProblemResponses(document: JsonObject): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const examples: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const problems = operation[PROBLEMS_KEY] ?? {};
      delete operation[PROBLEMS_KEY];
      const requestBody = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      const role = (operation.security as Array<Record<string, string[]>> | undefined)?.[0]?.bearer?.[0];
      const context = { method, path, takesJson: requestBody?.content?.['application/json'] !== undefined, takesNamespace: takesNamespace(operation), ...(role === undefined ? {} : { role }) };
      const responses = (operation.responses ??= {});
      for (const [status, response] of Object.entries(responses)) {
        const success = response as { description?: string };
        if (success.description === 'Default Response' && SUCCESS_WORDS[status] !== undefined) success.description = SUCCESS_WORDS[status];
      }
      for (const [status, description] of Object.entries(problems)) {
        // A route's own schema for a status wins (the health routes answer 503 with their report).
        if (responses[status] !== undefined) continue;
        const names = exampleNames(Number(status), context);
        for (const name of names) examples[name] ??= exampleObject(name);
        const headers = PROBLEM_HEADERS[Number(status)];
        responses[status] = {
          description,
          ...(headers === undefined ? {} : { headers }),
          content: {
            [PROBLEM_CONTENT_TYPE]: {
              schema: { $ref: '#/components/schemas/Problem' },
              examples: Object.fromEntries(names.map((name) => [name, { $ref: `#/components/examples/${name}` }])),
            },
          },
        };
      }
    }
  }
  const components = (document.components ??= {}) as JsonObject;
  components.examples = Object.fromEntries(Object.keys(examples).sort().map((name) => [name, examples[name]]));
  shareResponses(document);
}

/**
 * The names of shared error responses (`#/components/responses/<name>`), for the statuses whose
 * meaning does not depend on the route; 400, 403, 404, 409 and 502 say per route when they happen.
 */
const RESPONSE_NAMES: Record<string, string> = {
  401: 'Unauthorized',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  421: 'HostNotAllowed',
  429: 'RateLimited',
  500: 'InternalError',
  503: 'Unavailable',
};

/**
 * Moves error responses that several operations list word for word into `components.responses`,
 * and refers to them there: one `Unauthorized` instead of forty copies, in the document and in
 * the types generated from it. Of the variants of one status, the most used takes the name (with
 * `OpenAI` after it when it is the OpenAI-compatible routes' variant); the others stay in place.
 */
function shareResponses(document: JsonObject): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const uses = new Map<string, { status: string; response: unknown; count: number }>();
  const each = (visit: (status: string, key: string, responses: Record<string, unknown>) => void) => {
    for (const item of Object.values(paths)) {
      for (const method of METHODS) {
        const responses = item[method]?.responses;
        if (responses === undefined) continue;
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) >= 400 && RESPONSE_NAMES[status] !== undefined) visit(status, `${status} ${JSON.stringify(response)}`, responses);
        }
      }
    }
  };
  each((status, key, responses) => {
    const known = uses.get(key) ?? { status, response: responses[status], count: 0 };
    known.count++;
    uses.set(key, known);
  });
  const shared = new Map<string, string>();
  const named = new Set<string>();
  for (const [key, { status, response, count }] of [...uses].sort((a, b) => b[1].count - a[1].count)) {
    if (count < 2) continue;
    const openAi = key.includes('OpenAI"}');
    const name = `${RESPONSE_NAMES[status]!}${openAi ? 'OpenAI' : ''}`;
    if (named.has(name)) continue;
    named.add(name);
    shared.set(key, name);
    ((document.components as JsonObject).responses ??= {}) as JsonObject;
    ((document.components as JsonObject).responses as JsonObject)[name] = response;
  }
  each((status, key, responses) => {
    const name = shared.get(key);
    if (name !== undefined) responses[status] = { $ref: `#/components/responses/${name}` };
  });
  const components = document.components as JsonObject;
  const responses = (components.responses ?? {}) as JsonObject;
  components.responses = Object.fromEntries(Object.keys(responses).sort().map((name) => [name, responses[name]]));
}

/** @fastify/swagger's options for an app whose named schemas are `schemas`. */
export function documentOptions({ schemas, version }: { schemas: SchemaNames; version: string }): FastifyDynamicSwaggerOptions {
  nameProblemSchemas(schemas);
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: schemas.registry });
  const zodTransformObject = createJsonSchemaTransformObject({ schemaRegistry: schemas.registry });
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'memOS API', version, description: INTRODUCTION, license: { name: 'MIT', identifier: 'MIT' } },
      // Relative, so that generated clients and the docs page call the server that served the document.
      servers: [{ url: '/', description: 'The memOS that serves this document' }],
      components: { securitySchemes: SECURITY_SCHEMES },
      // Keys are needed once one exists or memOS listens beyond loopback; public routes say `security: []`.
      security: [{ bearer: [] }, { apiKey: [] }],
      tags: TAGS,
    },
    transform: (input) => {
      const result = zodTransform(input) as { schema: FastifySchema & JsonObject; url: string };
      if (result.schema === undefined || result.schema.hide === true) return result;
      const route = input.route;
      const method = [route.method].flat()[0] ?? 'GET';
      const { line, security } = accessOf(route);
      const description = typeof result.schema.description === 'string' && result.schema.description !== '' ? `${result.schema.description}\n\n${line}` : line;
      return {
        url: result.url,
        schema: { ...result.schema, description, ...(security === undefined ? {} : { security }), [PROBLEMS_KEY]: routeProblems(route, method) },
      };
    },
    transformObject: (input) => {
      const document = zodTransformObject(input) as JsonObject;
      addProblemResponses(document);
      tidyComponents(document);
      return document;
    },
  };
}
