// Migration 10: the exact path's index (vector-sketch.ts). Every vector gets a sketch and band
// keys (NULL on pgvector, whose HNSW index serves instead), the band keys a GIN index without a
// pending list (a search would read the whole list on every near-duplicate check until VACUUM
// flushed it), and the scope index takes the user, so that one user's search reads only their
// vectors. ANALYZE skips the vector columns (no plan depends on their statistics, and sampling
// them made each ANALYZE of the table several times slower). The migration only adds columns and
// indexes: the vectors stored before it are sketched afterwards, in the background, in bounded
// batches that resume after a restart (vector-sketch-backfill.ts), so that a large table does not
// hold the first start inside the migration's transaction.

import { VECTOR_CANDIDATES } from './row-security.js';
import type { SqlExecutor } from './sql-engine.js';
import { UNSIGNED_VECTORS } from './vector-sketch-backfill.js';
import { readDialect } from './vector-sql.js';
import { SKETCH_BITS } from './vector-sketch.js';

export async function vectorSketchMigration(tx: SqlExecutor): Promise<void> {
  await tx.exec(`
ALTER TABLE vectors ADD COLUMN sketch bit(${SKETCH_BITS}), ADD COLUMN bands integer[];
CREATE INDEX vectors_bands ON vectors USING gin (bands) WITH (fastupdate = off);
DROP INDEX vectors_partition;
CREATE INDEX vectors_scope ON vectors (tier, namespace, model, dims, user_id);
ALTER TABLE vectors ALTER COLUMN embedding SET STATISTICS 0, ALTER COLUMN sketch SET STATISTICS 0, ALTER COLUMN bands SET STATISTICS 0;
${VECTOR_CANDIDATES}`);
}

/**
 * Part of migration 11 (exact path only): the partial index through which the backfill finds the
 * vectors still without a sketch (empty once all are signed; pgvector's rows never have one).
 */
export async function unsignedVectorsIndex(tx: SqlExecutor): Promise<void> {
  if ((await readDialect(tx)).backend === 'exact') await tx.exec(UNSIGNED_VECTORS);
}
