// Migration 12: band keys salted by a memory's exact scope instead of its partition
// (vector-sketch.ts `scopedBandKeys`), so that a near-duplicate check reads the buckets of its own
// scope. Set-based, without re-sketching: each stored key loses its partition salt (computed here
// per partition, as migration 10 did) and takes its scope's (computed in SQL from the memory's
// row). Episodes' keys are dropped: nothing looks them up. On pgvector no vector has keys.

import type { SqlExecutor } from './sql-engine.js';
import { partitionSalt, scopedBandKeys } from './vector-sketch.js';

export async function scopedBandKeysMigration(tx: SqlExecutor): Promise<void> {
  await tx.query(`UPDATE vectors SET bands = NULL WHERE tier <> 'memories' AND bands IS NOT NULL`);
  const partitions = await tx.query<{ namespace: string; model: string; dims: number }>(
    `SELECT DISTINCT namespace, model, dims FROM vectors WHERE tier = 'memories' AND bands IS NOT NULL`,
  );
  for (const { namespace, model, dims } of partitions) {
    const salt = partitionSalt({ tier: 'memories', namespace, model, dimensions: dims });
    const raw = `ARRAY(SELECT k # ${salt | 0} FROM unnest(v.bands) AS k)`;
    const keys = scopedBandKeys(raw, { namespace: 'v.namespace', userId: 'm.user_id', agentId: 'm.agent_id', sessionId: 'm.session_id', model: 'v.model', dims: 'v.dims' });
    await tx.query(
      `UPDATE vectors v SET bands = ${keys} FROM memories m
        WHERE m.seq = v.memory_seq AND v.tier = 'memories' AND v.namespace = $1 AND v.model = $2 AND v.dims = $3 AND v.bands IS NOT NULL`,
      [namespace, model, dims],
    );
  }
}
