import type { FastifyInstance } from 'fastify';
import { validationError } from '../core/errors.js';

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
export const LONE_SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF outside a high+low pair); send valid Unicode';

const NUL = '\u0000';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What is wrong with `text` as memOS stores text: NUL or a lone surrogate; undefined when nothing is. */
export function textProblem(text: string): string | undefined {
  if (text.includes(NUL)) return NUL_MESSAGE;
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? LONE_SURROGATE_MESSAGE : undefined;
}

/**
 * The path (`kind[1]`, as validation errors name fields) and problem of the first string or key
 * under `value` that holds NUL or a lone surrogate, if any. Walks with an explicit stack.
 */
export function badTextPath(value: unknown): { path: string; message: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, path] = next;
    if (typeof item === 'string') {
      const message = textProblem(item);
      // A key with a lone surrogate is named with U+FFFD in its place, so that the answer stays valid Unicode.
      if (message !== undefined) return { path: path.replace(LONE_SURROGATE, '\uFFFD'), message };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const entries = Object.entries(item);
    // Pushed in reverse, so that the first offending field in document order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      const at = Array.isArray(item) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      stack.push([inner, at], [key, at]);
    }
  }
  return undefined;
}

/**
 * Answers 400 naming the field when a path parameter or the query string carries NUL or a lone
 * surrogate, in every storage mode: PostgreSQL cannot store either, and a client must not find
 * that out only after moving from SQLite to server mode. JSON bodies are checked as they are
 * parsed (json-body.ts).
 */
export function installTextGuard(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [location, value] of [['path', request.params], ['query', request.query]] as const) {
      const bad = badTextPath(value);
      if (bad !== undefined) return done(validationError([{ field: bad.path === '' ? location : bad.path, message: bad.message, location }]));
    }
    done();
  });
}
