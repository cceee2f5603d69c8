// What a query against a vector partition settles before any row is scored: its unit vector, the
// scope code it asks for per field, and the rows to consider (those of the rarest code asked for).

import { ANY, NOWHERE, type ScopeCodes, type ScopeMatch } from './scope-codes.js';
import type { ScopeRows } from './scope-rows.js';

export interface Plan {
  q: Float64Array;
  codes: [number, number, number];
  /** The rows to scan (those of the rarest code asked for), or undefined for every row. */
  rows: Int32Array | undefined;
  /** Rows in scope, at most: the rarest code's rows (all live rows without one). */
  bound: number;
  /** Whether every live row is in scope (then no filter is needed). */
  everyRow: boolean;
  /** Other fields than the rarest's must be checked row by row. */
  mixed: boolean;
  rarest: number;
}

/** The plan of `query` over `live` rows, or undefined when no row can match (or the query is zero). */
export function planQuery(query: Float32Array, match: ScopeMatch, dimensions: number, codeBook: ScopeCodes, lists: readonly ScopeRows[], live: number): Plan | undefined {
  const codes: [number, number, number] = [codeBook.code(match.userId), codeBook.code(match.agentId), codeBook.code(match.sessionId)];
  if (codes.includes(NOWHERE) || live === 0) return undefined;
  let norm = 0;
  for (let j = 0; j < dimensions; j += 1) norm += query[j]! * query[j]!;
  if (norm === 0) return undefined;
  const scale = 1 / Math.sqrt(norm);
  const q = new Float64Array(dimensions);
  for (let j = 0; j < dimensions; j += 1) q[j] = query[j]! * scale;
  let rows: Int32Array | undefined;
  let rarest = -1;
  for (let f = 0; f < 3; f += 1) {
    if (codes[f] === ANY) continue;
    const count = lists[f]!.count(codes[f]!);
    if (rows === undefined || count < rows.length) {
      rows = lists[f]!.rows(codes[f]!);
      rarest = f;
    }
  }
  // Another field's list as long as the partition holds every live row: it restricts nothing.
  const mixed = codes.some((code, f) => code !== ANY && f !== rarest && lists[f]!.count(code) < live);
  const bound = rows?.length ?? live;
  return { q, codes, rows, bound, everyRow: bound === live && !mixed, mixed, rarest };
}
