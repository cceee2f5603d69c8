// Parameters written into a statement as SQL literals, so that it can travel in a multi-statement
// simple query (one round trip) instead of the extended protocol, which takes one statement at a
// time. Each value is serialised exactly as the driver would send it as a text parameter, and
// quoted: a quoted literal is of type unknown until its context resolves it, as a parameter is, so
// the statement means what it meant with placeholders.

import { createRequire } from 'node:module';
import pg from 'pg';

/** The driver's own serialisation of a parameter (arrays, dates, JSON...): a string, a Buffer or null. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

const PLACEHOLDER = /\$(\d+)/g;

/**
 * `sql` with `$n` replaced by the literal of `params[n - 1]`, or undefined when a value has no safe
 * text form here (binary data) or a placeholder has no value. Only for statements memOS builds
 * itself: `$n` must appear nowhere but as a placeholder (no string literal or dollar quote holds one).
 */
export function inlineParams(sql: string, params: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const value of params) {
    const text = prepareValue(value);
    if (text === null) literals.push('NULL');
    else if (typeof text === 'string') literals.push(pg.escapeLiteral(text));
    else return undefined;
  }
  let missing = false;
  const inlined = sql.replace(PLACEHOLDER, (_, n: string) => {
    const literal = literals[Number(n) - 1];
    if (literal === undefined) missing = true;
    return literal ?? '';
  });
  return missing ? undefined : inlined;
}
