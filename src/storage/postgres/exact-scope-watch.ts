// Which scopes the exact path (no pgvector) serves by reading them whole. A search reads every
// vector of its scope by sketch (sketched-search.ts): fine for thousands, slow for hundreds of
// thousands, where pgvector's HNSW index is the answer. When a search's pool comes back full, the
// scope holds more vectors than the pool, and its size is counted in the background (at most one
// count per interval); the largest size seen becomes a standing warning past EXACT_SCOPE_LIMIT.

import type { PgDatabase } from './pg-database.js';
import { partitionPredicate } from './vector-sql.js';

/** Vectors in one scope beyond which a search without pgvector is no longer fast (tens of ms and up). */
export const EXACT_SCOPE_LIMIT = 50_000;
const COUNT_INTERVAL_MS = 60_000;

export interface WatchedScope {
  tier: string;
  namespace: string;
  userId?: string | undefined;
  model: string;
  dimensions: number;
}

export class ExactScopeWatch {
  readonly #db: PgDatabase;
  readonly #intervalMs: number;
  readonly #limit: number;
  #largest = 0;
  #lastCount = -Infinity;
  #counting = false;

  constructor(db: PgDatabase, options: { limit?: number; intervalMs?: number } = {}) {
    this.#db = db;
    this.#limit = options.limit ?? EXACT_SCOPE_LIMIT;
    this.#intervalMs = options.intervalMs ?? COUNT_INTERVAL_MS;
  }

  /** A search read a full pool from `scope`: counts it, unless a count ran within the interval. Resolves when counted. */
  async sawFullPool(scope: WatchedScope): Promise<void> {
    const now = performance.now();
    if (this.#counting || now - this.#lastCount < this.#intervalMs) return;
    this.#counting = true;
    this.#lastCount = now;
    try {
      this.#largest = Math.max(this.#largest, await this.count(scope));
    } catch {
      // A failed count is only a missed warning; the next full pool after the interval counts again.
    } finally {
      this.#counting = false;
    }
  }

  /** The vectors of `scope`, counted up to just past the limit (system work: no policy narrows the count). */
  async count(scope: WatchedScope): Promise<number> {
    const user = scope.userId === undefined ? '' : ' AND user_id = $3';
    const [row] = await this.#db.query<{ n: string }>(
      'vectors.scopeSize',
      `SELECT count(*) AS n FROM (SELECT 1 FROM vectors WHERE tier = $1 AND namespace = $2 AND ${partitionPredicate(scope.model, scope.dimensions)}${user} LIMIT ${this.#limit * 10}) AS scope`,
      [scope.tier, scope.namespace, ...(scope.userId === undefined ? [] : [scope.userId])],
    );
    return Number(row?.n ?? 0);
  }

  /** The standing warning, once a scope past the limit was seen. */
  warning(): string | undefined {
    if (this.#largest <= this.#limit) return undefined;
    return (
      `vector search runs without pgvector and reads each searched scope whole: one holds ${this.#largest} vectors, ` +
      `past the ${this.#limit} it serves quickly; install the pgvector extension for an HNSW index (memOS uses it from the next start)`
    );
  }
}
