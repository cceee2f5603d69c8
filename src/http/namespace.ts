// The namespace of a request, resolved in one place. Every route that works in a namespace takes
// it three ways: `namespace` in the JSON body, `?namespace=` in the query, or the
// `X-Memos-Namespace` header (which an OpenAI SDK, say, can send on every call). Two sources that
// name different namespaces are a 400 naming `namespace`; none means the key's only namespace
// when it has exactly one, else `default`, or every namespace
// on the routes that report or clear caches. Routes, request logs, spans and access checks all
// read the one resolved value, `request.namespace`.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import { onlyNamespaceOf } from '../auth/principal.js';
import { MemosError, validationError, type FieldIssue } from '../core/errors.js';
import { anyNamespaceField, anyNamespaceQuery, DEFAULT_NAMESPACE, idSchema, NAMESPACE_HEADER, namespaceField, namespaceQuery } from './schemas.js';

/**
 * How a route reads the namespace: a `default` route works in one namespace, `default` when the
 * request names none; an `any` route covers every namespace when the request names none (cache
 * statistics and clearing).
 */
export type NamespaceRule = 'default' | 'any';

declare module 'fastify' {
  interface FastifyContextConfig {
    namespace?: NamespaceRule;
  }
  interface FastifyRequest {
    /**
     * The namespace the request works in, resolved before validation: on `default` routes always
     * set, on `any` routes set when the request names one, and undefined on routes that take none.
     */
    namespace: string | undefined;
  }
}

/** Route config of a route that works in one namespace (`default` when the request names none). */
export const NAMESPACED = { namespace: 'default' } as const satisfies { namespace: NamespaceRule };
/** Route config of a route that covers every namespace unless the request names one. */
export const ANY_NAMESPACE = { namespace: 'any' } as const satisfies { namespace: NamespaceRule };

const HEADERS: Record<NamespaceRule, z.ZodType> = {
  default: z.object({ [NAMESPACE_HEADER]: namespaceField }).loose(),
  any: z.object({ [NAMESPACE_HEADER]: anyNamespaceField }).loose(),
};
const QUERIES: Record<NamespaceRule, z.ZodType> = { default: namespaceQuery, any: anyNamespaceQuery };

/** The resolved namespace of a request on a `default` route. */
export function requestNamespace(request: FastifyRequest): string {
  if (request.namespace === undefined) throw new MemosError('E_INTERNAL', `route ${request.routeOptions.url ?? ''} reads a namespace it does not declare`);
  return request.namespace;
}

interface Source {
  where: string;
  field: string;
  location: FieldIssue['location'];
  value: unknown;
}

/** The namespaces a request names, where it names them; a value that is not an id is a 400 naming its field. */
function namedNamespaces(request: FastifyRequest): Array<Source & { value: string }> {
  const body = request.body;
  const query = request.query as Record<string, unknown> | undefined;
  const sources: Source[] = [
    { where: 'the body', field: 'namespace', location: 'body', value: isObject(body) ? body.namespace : undefined },
    { where: 'the query', field: 'namespace', location: 'query', value: query?.namespace },
    { where: 'the X-Memos-Namespace header', field: NAMESPACE_HEADER, location: 'header', value: request.headers[NAMESPACE_HEADER] },
  ];
  const named: Array<Source & { value: string }> = [];
  for (const source of sources) {
    if (source.value === undefined) continue;
    // A body value of another type is left to the route's schema, which names it.
    if (source.location === 'body' && typeof source.value !== 'string') continue;
    const parsed = idSchema.safeParse(source.value);
    if (!parsed.success) throw validationError([{ field: source.field, message: parsed.error.issues[0]?.message ?? 'is not a valid namespace', location: source.location }]);
    named.push({ ...source, value: parsed.data });
  }
  return named;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The namespace a request names, once or the same in every source; undefined when it names none. */
export function resolveNamespace(request: FastifyRequest): string | undefined {
  const named = namedNamespaces(request);
  const distinct = new Set(named.map((source) => source.value));
  if (distinct.size > 1) {
    const detail = named.map((source) => `'${source.value}' in ${source.where}`).join(', ');
    throw validationError([{ field: 'namespace', message: `is named differently in two places (${detail}); name it once, or the same everywhere`, location: named[0]!.location }]);
  }
  return named[0]?.value;
}

/** A zod object's keys (through a default or a pipe around it), or undefined when the schema is not a zod object. */
export function objectKeys(schema: unknown): string[] | undefined {
  const zod = schema as { shape?: unknown; def?: { innerType?: unknown; in?: unknown } } | undefined;
  if (isObject(zod?.shape)) return Object.keys(zod.shape);
  const inner = zod?.def?.innerType ?? zod?.def?.in;
  return inner === undefined ? undefined : objectKeys(inner);
}

/**
 * Resolves `request.namespace` before validation on every route whose config names a rule, and
 * makes each such route document all three ways: the header on every one, `?namespace=` (added
 * when the route has no query schema of its own), and `namespace` in its body schema. A route
 * whose own query or JSON body schema leaves `namespace` out fails at start, so that no route can
 * quietly refuse, or ignore, one of the three. Must be installed before any route is added.
 */
export function installNamespaces(app: FastifyInstance): void {
  app.decorateRequest('namespace', undefined);

  app.addHook('onRoute', (route: RouteOptions) => {
    const rule = (route.config as { namespace?: NamespaceRule } | undefined)?.namespace;
    if (rule === undefined) return;
    const schema = { ...(route.schema ?? {}) };
    // A body that is not JSON (the NDJSON stream of an import) has no fields to name one in.
    const jsonBody = schema.consumes === undefined || schema.consumes.some((type) => type === 'application/json' || type.endsWith('+json'));
    for (const part of jsonBody ? (['querystring', 'body'] as const) : (['querystring'] as const)) {
      const keys = objectKeys(schema[part]);
      if (schema[part] !== undefined && !keys?.includes('namespace')) {
        throw new Error(`route ${String(route.method)} ${route.url}: its ${part} schema must declare namespace (see src/http/namespace.ts)`);
      }
    }
    schema.querystring ??= QUERIES[rule];
    schema.headers ??= HEADERS[rule];
    route.schema = schema;
  });

  // A callback hook, not an async one: no promise on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    const rule = request.routeOptions.config.namespace;
    if (rule === undefined) return done();
    try {
      const named = resolveNamespace(request);
      // A key that reaches exactly one namespace works in it unless the request names another.
      request.namespace = named ?? onlyNamespaceOf(request.principal) ?? (rule === 'default' ? DEFAULT_NAMESPACE : undefined);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
}
