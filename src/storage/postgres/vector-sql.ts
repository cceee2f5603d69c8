// How vectors are written down in SQL on each path. pgvector: an unconstrained `vector` column,
// cosine distance `<=>`, and one HNSW index per (model, dimensions), created on first use, over
// `embedding::vector(N)` (HNSW needs a fixed length). Exact: a `real[]` column and
// `memos_cosine`, a SQL function over unnest. The pgvector type, operator and operator class are
// qualified with the extension's schema, which need not be on the search path (PGlite tests keep
// the extension in the first schema migrated).

import { createHash } from 'node:crypto';
import type { VectorBackend } from './migrations.js';
import type { SqlExecutor } from './sql-engine.js';

/** The exact path's cosine; NULL when either vector is all zeros. */
export const EXACT_COSINE = `
CREATE FUNCTION memos_cosine(a real[], b real[]) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT sum(x::float8 * y) / nullif(sqrt(sum(x::float8 * x)) * sqrt(sum(y::float8 * y)), 0)
  FROM unnest(a, b) AS u(x, y)
$$;`;

/** A string as an SQL literal (standard_conforming_strings is on since Postgres 9.1). */
export const sqlLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The path in use and, for pgvector, the extension's schema (quoted). */
export interface VectorDialect {
  backend: VectorBackend;
  /** `"schema".` or '' on the exact path. */
  qualifier: string;
  /** pgvector 0.8+ can keep scanning the HNSW graph while filters reject rows (`hnsw.iterative_scan`). */
  iterativeScan: boolean;
}

export async function readDialect(db: SqlExecutor): Promise<VectorDialect> {
  const [setting] = await db.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'vector_backend'`);
  if (setting?.value !== 'pgvector') return { backend: 'exact', qualifier: '', iterativeScan: false };
  const [extension] = await db.query<{ schema: string; version: string }>(
    `SELECT quote_ident(n.nspname) AS schema, e.extversion AS version
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`,
  );
  const [major = 0, minor = 0] = (extension?.version ?? '0.0').split('.').map(Number);
  return { backend: 'pgvector', qualifier: extension ? `${extension.schema}.` : '', iterativeScan: major > 0 || minor >= 8 };
}

/** The column type of `vectors.embedding`. */
export const columnType = (d: VectorDialect) => (d.backend === 'pgvector' ? `${d.qualifier}vector` : 'real[]');

/** A vector as the text parameter its column type parses (both read float32 exactly back). */
export function vectorParam(d: VectorDialect, vector: Float32Array): string {
  const text = Array.from(vector).join(',');
  return d.backend === 'pgvector' ? `[${text}]` : `{${text}}`;
}

/** The parameter placeholder cast to the column type. */
export const vectorValue = (d: VectorDialect, placeholder: string) => `${placeholder}::${columnType(d)}`;

/**
 * Cosine similarity of `column` and the query vector `placeholder`. With `indexed`, the pgvector
 * expression is exactly the HNSW index's (`column::vector(N) <=> q::vector(N)`), so that the
 * planner can order by the index; without, it is a plain exact computation.
 */
export function similarity(d: VectorDialect, column: string, placeholder: string, dimensions: number, indexed: boolean): string {
  if (d.backend === 'exact') return `memos_cosine(${column}, ${placeholder}::real[])`;
  return `(1 - (${distance(d, column, placeholder, dimensions, indexed)}))`;
}

/** The pgvector cosine distance (ascending is best first). */
export function distance(d: VectorDialect, column: string, placeholder: string, dimensions: number, indexed: boolean): string {
  const type = indexed ? `${d.qualifier}vector(${dimensions})` : `${d.qualifier}vector`;
  const left = indexed ? `(${column}::${type})` : column;
  return `${left} OPERATOR(${d.qualifier}<=>) ${placeholder}::${type}`;
}

/** The partial-index predicate, inlined as literals so that the planner can prove a query implies it. */
export const partitionPredicate = (model: string, dimensions: number, alias = '') =>
  `${alias}model = ${sqlLiteral(model)} AND ${alias}dims = ${Math.trunc(dimensions)}`;

export const indexName = (model: string, dimensions: number) =>
  `vectors_hnsw_${createHash('sha256').update(`${model}\u0000${dimensions}`).digest('hex').slice(0, 24)}`;

/** pgvector's HNSW indexes `vector` up to this length; longer vectors are always ranked exactly. */
export const HNSW_MAX_DIMENSIONS = 2000;

/**
 * Creates the HNSW index of (model, dimensions) when missing. An advisory lock keyed by the
 * index name makes concurrent creators wait for one another instead of colliding in the catalog.
 */
export async function ensureHnswIndex(tx: SqlExecutor, d: VectorDialect, schema: string, model: string, dimensions: number): Promise<void> {
  const name = indexName(model, dimensions);
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`memos:index:${schema}:${name}`]);
  await tx.query(
    `CREATE INDEX IF NOT EXISTS ${name} ON vectors USING hnsw ((embedding::${d.qualifier}vector(${Math.trunc(dimensions)})) ${d.qualifier}vector_cosine_ops)
      WHERE ${partitionPredicate(model, dimensions)}`,
  );
}
