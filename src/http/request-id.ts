import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A client's `x-request-id` is kept when it is 1 to 128 of these characters; anything else is never echoed or logged. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The id of a request: the client's `x-request-id` when it is safe to echo, else a new UUID. */
export function requestIdOf(raw: IncomingMessage): string {
  const sent = raw.headers['x-request-id'];
  return typeof sent === 'string' && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
