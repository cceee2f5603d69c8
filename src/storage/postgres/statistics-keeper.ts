// Planner statistics kept fresh after bulk writes. PostgreSQL plans from what ANALYZE last saw;
// autovacuum refreshes it in production, but may be off (or slow to come round), and a table
// loaded since its last ANALYZE is planned from stale counts: a search over 5,000 freshly loaded
// episodes with a userId was measured at 11–30 s until ANALYZE brought it to 0.36 s. So memOS
// does what autovacuum's analyze would: shortly after writes, it reads how many rows of each
// record table changed since its last ANALYZE (the server's own counters, which count every
// replica's writes) and analyzes the tables past a threshold like autovacuum's (here 500 rows +
// 20 % of the table). One replica at a time (an advisory lock); failures are only logged.

import type { SqlExecutor } from './sql-engine.js';

/** The tables searches read. */
const TABLES = ['memories', 'episodes', 'vectors'] as const;
/**
 * Rows changed since the last ANALYZE that make a table stale: more than autovacuum's defaults
 * (50 + 10 %), as an ANALYZE of the vectors table during a bulk load cost ~0.3 s each time.
 */
const BASE_ROWS = 500;
const SCALE = 0.2;
/** How long after a write the counters are read: writes in between are covered by the same look. */
export const CHECK_DELAY_MS = 1_000;

export interface StatisticsKeeperOptions {
  schema: string;
  /** Runs system work in one transaction (as the connecting role, which owns the tables). */
  transaction<T>(operation: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  onError?(error: unknown): void;
  delayMs?: number;
}

export class StatisticsKeeper {
  readonly #options: StatisticsKeeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: StatisticsKeeperOptions) {
    this.#options = options;
  }

  /** Rows were written: look at the counters soon (once for any number of writes in between). */
  touched(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // One look at a time; writes during it schedule the next.
      this.#running ??= this.check()
        .then(() => undefined)
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => (this.#running = undefined));
    }, this.#options.delayMs ?? CHECK_DELAY_MS);
    this.#timer.unref();
  }

  /** Analyzes the tables changed past the threshold since their last ANALYZE; returns their names. */
  async check(): Promise<string[]> {
    const { schema, transaction } = this.#options;
    // ANALYZE may run in a transaction, which also holds the lock that keeps other replicas from analyzing at the same time.
    return transaction('statistics.analyze', async (db) => {
      const stale = await db.query<{ table: string }>(
        `SELECT s.relname AS table FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE s.schemaname = $1 AND s.relname = ANY($2::text[])
            AND s.n_mod_since_analyze > ${BASE_ROWS} + ${SCALE} * greatest(c.reltuples, 0)`,
        [schema, [...TABLES]],
      );
      if (stale.length === 0) return [];
      const [lock] = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`memos:analyze:${schema}`]);
      if (!lock?.locked) return [];
      // Names from the fixed list above, never from input.
      const tables = stale.map((row) => row.table).filter((table): table is (typeof TABLES)[number] => (TABLES as readonly string[]).includes(table));
      for (const table of tables) await db.query(`ANALYZE ${schema}.${table}`);
      return tables;
    });
  }

  /** Stops looking; waits for a look in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
