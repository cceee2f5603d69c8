// Sketches for the vectors stored without one (the exact path, PostgreSQL without pgvector): those
// written before migration 10, and those an older replica writes during a rolling upgrade (its
// INSERT names no sketch column). Migration 10 only adds the columns and indexes, so that a large
// table does not hold the first start inside the migration's transaction; this job fills the rows
// afterwards, in the background of every replica:
// - in batches of BATCH rows, each its own short transaction, so that the work is bounded per
//   statement, resumes where it stopped after a crash or restart (it looks for `sketch IS NULL`,
//   through the partial index of migration 11), and commits as it goes;
// - `FOR UPDATE SKIP LOCKED`, so that replicas share the rows instead of waiting on each other, and
//   a row rewritten meanwhile by a writer is left to that writer;
// - at open, then every RECHECK_MS (a look at an index that is empty once the table is signed), for
//   what an older replica keeps writing.
// Until a row is signed, searches take it among their candidates first and rank it exactly
// (sketched-search.ts); near-duplicate checks, which go through band keys, do not see it.

import type { SqlExecutor } from './sql-engine.js';
import { scopedBandKeys, SKETCH_BITS, sketchParams } from './vector-sketch.js';

/** Rows signed per transaction. */
export const BATCH = 500;
/** How often a replica looks for rows that an older replica wrote without a sketch. */
const RECHECK_MS = 30_000;

/** The partial index that finds the unsigned rows (migration 11, exact path only). */
export const UNSIGNED_VECTORS = `CREATE INDEX vectors_unsigned ON vectors (tier) WHERE sketch IS NULL;`;

/** A memory's band keys from its unsalted keys `u.raw`, salted with its exact scope as the write path salts them. */
const MEMORY_BANDS = `(SELECT ${scopedBandKeys('u.raw::integer[]', { namespace: 'm.namespace', userId: 'm.user_id', agentId: 'm.agent_id', sessionId: 'm.session_id', model: 'v.model', dims: 'v.dims' })}
  FROM memories m WHERE m.seq = v.memory_seq)`;

/** Signs up to `limit` unsigned vectors that no other transaction holds; returns how many. */
export async function signUnsignedVectors(tx: SqlExecutor, limit = BATCH): Promise<number> {
  const rows = await tx.query<{ tier: string; seq: string; embedding: number[] }>(
    `SELECT tier, coalesce(memory_seq, episode_seq)::text AS seq, embedding FROM vectors
      WHERE sketch IS NULL LIMIT ${Math.trunc(limit)} FOR UPDATE SKIP LOCKED`,
  );
  if (rows.length === 0) return 0;
  const sketched = rows.map((row) => sketchParams(Float32Array.from(row.embedding)));
  // Only memories carry band keys (vector-sketch.ts): nothing looks episodes up by band.
  await tx.query(
    `UPDATE vectors v SET sketch = u.sketch::bit(${SKETCH_BITS}), bands = CASE WHEN v.tier = 'memories' THEN ${MEMORY_BANDS} END
      FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(tier, seq, sketch, raw)
      WHERE v.tier = u.tier AND coalesce(v.memory_seq, v.episode_seq) = u.seq AND v.sketch IS NULL`,
    [rows.map((row) => row.tier), rows.map((row) => row.seq), sketched.map((s) => s.sketch), sketched.map((s) => s.raw)],
  );
  return rows.length;
}

export interface SketchBackfillOptions {
  /** Runs one batch in a transaction of its own (as the connecting role, which owns the tables). */
  transaction<T>(operation: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  onError?(error: unknown): void;
  recheckMs?: number;
}

/** The background job of one replica: `start` at open, `close` before the pool ends. */
export class SketchBackfill {
  readonly #options: SketchBackfillOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(options: SketchBackfillOptions) {
    this.#options = options;
  }

  /** Signs what is unsigned now, then looks again every RECHECK_MS. */
  start(): void {
    if (this.#closed || this.#timer !== undefined || this.#running !== undefined) return;
    void this.run()
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => this.#schedule());
  }

  /** Signs batch after batch until none is left (or the job is closed); returns how many rows it signed. */
  run(): Promise<number> {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #drain(): Promise<number> {
    let signed = 0;
    while (!this.#closed) {
      const batch = await this.#options.transaction('vectors.sign', (tx) => signUnsignedVectors(tx));
      signed += batch;
      if (batch < BATCH) break;
    }
    return signed;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.start();
    }, this.#options.recheckMs ?? RECHECK_MS);
    this.#timer.unref();
  }

  /** Stops after the batch in progress, and waits for it. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
