// Requests that match no route: 405 with `Allow` when the path exists under other methods (RFC 9110
// §15.5.6), else 404; both as problem+json.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { MemosError } from '../core/errors.js';
import { sendProblem } from './problem.js';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** A route URL (`/api/v1/memories/:id`, `/docs/*`) as a regular expression over request paths. */
export function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Records every route as it is added, and answers requests that match none: 405 naming the methods
 * of the path in `Allow` when some route serves the path, else 404. Must be installed before any
 * route is added.
 */
export function installRouteNotFound(app: FastifyInstance): void {
  const paths = new Map<string, KnownPath>();
  app.addHook('onRoute', (route: RouteOptions) => {
    // A catch-all (CORS's `OPTIONS *`, which answers preflights) says nothing about which paths exist.
    if (route.url === '*' || route.url === '/*') return;
    const known = paths.get(route.url) ?? { pattern: routePattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) known.methods.add(method.toUpperCase());
    paths.set(route.url, known);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = new Set<string>();
    for (const { pattern, methods } of paths.values()) if (pattern.test(path)) for (const method of methods) allowed.add(method);
    if (allowed.size === 0 || allowed.has(request.method)) return sendProblem(reply, new MemosError('E_NOT_FOUND', `no route ${request.method} ${path}`));
    const allow = [...allowed].sort().join(', ');
    void reply.header('allow', allow);
    return sendProblem(reply, new MemosError('E_METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; allowed: ${allow}`));
  });
}
