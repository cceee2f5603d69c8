import type { FastifyInstance } from 'fastify';
import { validationError } from '../core/errors.js';

const NUL = '\u0000';

/** The path (`memories[0].content`, as validation errors name fields) of the first string or key under `value` holding NUL, if any. */
export function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (key.includes(NUL)) return at;
    const found = nulPath(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Answers 400 naming the field when a request carries the NUL character anywhere, in every storage
 * mode: PostgreSQL cannot store it in text or JSON, and a client must not find that out only after
 * moving from SQLite to server mode.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [location, value] of [['path', request.params], ['query', request.query], ['body', request.body]] as const) {
      const field = nulPath(value, '');
      if (field !== undefined) throw validationError([{ field: field === '' ? location : field, message: 'must not contain the NUL character (U+0000)', location }]);
    }
  });
}
