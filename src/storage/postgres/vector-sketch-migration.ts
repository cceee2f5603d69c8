// Migration 10: the exact path's index (vector-sketch.ts). Every vector gets a sketch and band
// keys (NULL on pgvector, whose HNSW index serves instead), the band keys a GIN index without a
// pending list (a search would read the whole list on every near-duplicate check until VACUUM
// flushed it), and the scope index takes the user, so that one user's search reads only their
// vectors. ANALYZE skips the vector columns (no plan depends on their statistics, and sampling
// them made each ANALYZE of the table several times slower). Vectors stored before are sketched
// here, in chunks, inside the migration's transaction.

import { VECTOR_CANDIDATES } from './row-security.js';
import type { SqlExecutor } from './sql-engine.js';
import { readDialect } from './vector-sql.js';
import { SKETCH_BITS, sketchOf } from './vector-sketch.js';

const CHUNK = 1_000;

export async function vectorSketchMigration(tx: SqlExecutor): Promise<void> {
  await tx.exec(`
ALTER TABLE vectors ADD COLUMN sketch bit(${SKETCH_BITS}), ADD COLUMN bands integer[];
CREATE INDEX vectors_bands ON vectors USING gin (bands) WITH (fastupdate = off);
DROP INDEX vectors_partition;
CREATE INDEX vectors_scope ON vectors (tier, namespace, model, dims, user_id);
ALTER TABLE vectors ALTER COLUMN embedding SET STATISTICS 0, ALTER COLUMN sketch SET STATISTICS 0, ALTER COLUMN bands SET STATISTICS 0;
${VECTOR_CANDIDATES}`);
  if ((await readDialect(tx)).backend !== 'exact') return;
  for (;;) {
    const rows = await tx.query<{ tier: string; seq: string; namespace: string; model: string; embedding: number[] }>(
      `SELECT tier, coalesce(memory_seq, episode_seq)::text AS seq, namespace, model, embedding FROM vectors WHERE sketch IS NULL LIMIT ${CHUNK}`,
    );
    if (rows.length === 0) return;
    const sketched = rows.map((row) => sketchOf(Float32Array.from(row.embedding), row));
    await tx.query(
      `UPDATE vectors v SET sketch = u.sketch::bit(${SKETCH_BITS}), bands = u.bands::integer[]
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(tier, seq, sketch, bands)
        WHERE v.tier = u.tier AND coalesce(v.memory_seq, v.episode_seq) = u.seq`,
      [rows.map((row) => row.tier), rows.map((row) => row.seq), sketched.map((s) => s.sketch), sketched.map((s) => `{${s.bands.join(',')}}`)],
    );
  }
}
