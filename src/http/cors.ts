// CORS, by @fastify/cors: off unless `server.corsOrigins` lists the origins whose web pages may
// call memOS. API keys travel in headers, never in cookies, so no credentials are allowed.
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { NAMESPACE_HEADER } from './schemas.js';

/** Request headers a page may send: the key (either way), the namespace, JSON bodies and its own request id. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'X-API-Key', NAMESPACE_HEADER, 'Content-Type', 'X-Request-Id'];

/** Response headers a page may read besides the CORS-safelisted ones: the rate limit's and the request id. */
export const CORS_EXPOSED_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'X-Request-Id'];

/** How long a browser may reuse a preflight's answer (browsers cap it, Chromium at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * With `server.corsOrigins`, answers preflights from those origins (204, in an onRequest hook, so
 * before the access hook: browsers send no key with a preflight) and marks their requests' answers
 * readable by them. A request from another origin, or without one, gets no CORS header but
 * `Vary: Origin`; its preflight falls through to the routes (405 or 404, as without CORS). Install
 * after the Host check, so that a preflight under a host name memOS does not serve is refused too.
 */
export async function installCors(app: FastifyInstance, server: Config['server']): Promise<void> {
  if (server.corsOrigins === undefined) return;
  const allowed = new Set(server.corsOrigins);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin.toLowerCase())),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    // An OPTIONS from an allowed origin without Access-Control-Request-Method is answered as a
    // preflight too, rather than with the plugin's text/plain 400 (memOS answers problem+json).
    strictPreflight: false,
  });
}
