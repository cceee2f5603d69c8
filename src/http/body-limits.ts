// The largest body each route accepts: what its valid requests can hold, so that a client cannot
// make memOS buffer and parse more than a request could ever need.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';

const KiB = 1024;

/** Bodies of requests with no large field (search, context, cache and admin calls) and of any route not listed below. */
export const SMALL_BODY_BYTES = 64 * KiB;

/** Room for field names, ids, numbers and punctuation: per item of a batch, and per request. */
const ITEM_OVERHEAD = 2 * KiB;
const REQUEST_OVERHEAD = 16 * KiB;
/** `sourceEpisodeIds` of a memory: up to 256 ids of up to 128 characters, quoted, with commas. */
const SOURCE_IDS_BYTES = 256 * 131;

export interface BodyLimit {
  bytes: number;
  /** What sets it, as the 413 answer names it. */
  basis: string;
}

/**
 * The body limit of each route, by `METHOD /url`. A text may take up to three times its UTF-8
 * size as JSON (encoders that escape every non-ASCII character: an emoji of 4 bytes becomes 12),
 * and so may metadata and state, whose limits count them re-encoded compactly. Batch writes are
 * sized for a full batch at the size limits, and every route is capped by `limits.bodyBytes`.
 */
export function bodyLimits(limits: Config['limits']): Map<string, BodyLimit> {
  const text = 3 * limits.contentBytes;
  const metadata = 3 * limits.metadataBytes;
  const batch = (perItem: number) => limits.batchItems * (perItem + ITEM_OVERHEAD) + REQUEST_OVERHEAD;
  const small = 'requests without large fields';
  const full = 'a full batch at limits.batchItems and the size limits';
  const one = 'one text at limits.contentBytes';
  const derived: Array<[route: string, bytes: number, basis: string]> = [
    ['POST /api/v1/search', SMALL_BODY_BYTES, small],
    ['POST /api/v1/context', SMALL_BODY_BYTES, small],
    ['POST /api/v1/memories/:id/confirm', SMALL_BODY_BYTES, small],
    ['POST /api/v1/memories/:id/retract', SMALL_BODY_BYTES, small],
    ['POST /api/v1/embeddings', Math.max(SMALL_BODY_BYTES, text + REQUEST_OVERHEAD), one],
    ['POST /api/v1/embeddings/batch', batch(text), full],
    ['POST /v1/embeddings', batch(text), full],
    // An episode has up to three texts: content, and task and context for interventions.
    ['POST /api/v1/episodes', batch(3 * text + metadata), full],
    ['POST /api/v1/memories', batch(text + metadata + SOURCE_IDS_BYTES), full],
    ['PATCH /api/v1/memories/:id', text + metadata + REQUEST_OVERHEAD, 'one memory at the size limits'],
    ['PUT /api/v1/sessions/:sessionId', batch(text + metadata) + 3 * limits.stateBytes + text, `${full} and limits.stateBytes`],
    ['POST /api/v1/sessions/:sessionId/messages', batch(text + metadata), full],
  ];
  const table = new Map<string, BodyLimit>();
  for (const [route, bytes, basis] of derived) {
    table.set(route, bytes > limits.bodyBytes ? { bytes: limits.bodyBytes, basis: 'limits.bodyBytes, MEMOS_MAX_BODY_BYTES' } : { bytes, basis });
  }
  return table;
}

/** The limit of a route not in the table (and of unknown routes): small, so that a route added later is safe until it is sized. */
export function fallbackBodyLimit(limits: Config['limits']): BodyLimit {
  return { bytes: Math.min(SMALL_BODY_BYTES, limits.bodyBytes), basis: 'requests without large fields' };
}

/**
 * Gives every route its body limit as it is registered. Fastify refuses a body over the limit
 * before reading it when Content-Length says so, and stops reading a chunked one at the limit.
 */
export function installBodyLimits(app: FastifyInstance, limits: Config['limits']): (request: FastifyRequest) => BodyLimit {
  const table = bodyLimits(limits);
  const limitOf = (method: string, url: string) => table.get(`${method} ${url}`) ?? fallbackBodyLimit(limits);
  app.addHook('onRoute', (route) => {
    const method = Array.isArray(route.method) ? route.method[0] : route.method;
    route.bodyLimit ??= limitOf(String(method), route.url ?? '').bytes;
  });
  return (request) => {
    const limit = limitOf(request.method, request.routeOptions.url ?? '');
    const bytes = request.routeOptions.bodyLimit ?? limit.bytes;
    return bytes === limit.bytes ? limit : { bytes, basis: 'the limit of this route' };
  };
}

/** The 413 answer: names the body, the route's limit in bytes, and what sets it. */
export function payloadTooLarge(request: FastifyRequest, limit: BodyLimit): MemosError {
  return new MemosError('E_PAYLOAD_TOO_LARGE', `body: must be at most ${limit.bytes} bytes on ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} (${limit.basis})`, {
    details: { field: 'body' },
  });
}
