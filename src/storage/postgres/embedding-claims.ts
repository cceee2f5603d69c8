// Leases on records to embed, shared by every replica on the schema (migration 6): a round of the
// embedding backfill takes the oldest pending records that no live lease holds, with
// `FOR UPDATE SKIP LOCKED` so that two replicas claiming at once pass over each other's rows, and
// stamps them with its owner and an expiry. A replica that dies mid-round holds its records only
// until the lease runs out. Leases change no record a reader sees.

import { randomUUID } from 'node:crypto';
import { toIso, type Clock } from '../../core/clock.js';
import type { BatchClaims, EmbeddingClaim } from '../../core/ports.js';
import type { PendingEmbedding, Tier } from '../../core/types.js';
import { LIVE, NOT_SETTLED } from './embedding-backlog.js';
import type { PgDatabase } from './pg-database.js';
import type { SqlExecutor } from './sql-engine.js';

const UNLEASED = '(embedding_lease_until IS NULL OR embedding_lease_until <= $3::timestamptz)';

// $1 model, $2 dimensions, $3 now, $4 limit, $5 owner, $6 lease end.
const claimSql = (tier: Tier) => `
  UPDATE ${tier} SET embedding_lease_owner = $5, embedding_lease_until = $6::timestamptz
  WHERE (namespace, id) IN (
    SELECT namespace, id FROM ${tier}
    WHERE ${NOT_SETTLED} AND ${UNLEASED}${tier === 'memories' ? ` AND ${LIVE}` : ''}
    ORDER BY created_at, id LIMIT $4
    FOR UPDATE SKIP LOCKED)
  RETURNING '${tier}' AS tier, namespace, id, content, created_at`;

const releaseSql = (tier: Tier) => `
  UPDATE ${tier} SET embedding_lease_owner = NULL, embedding_lease_until = NULL
  WHERE embedding_lease_owner = $1 AND (namespace, id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`;

interface ClaimedRow extends PendingEmbedding {
  created_at: Date;
}

const TIERS: readonly Tier[] = ['memories', 'episodes'];

export function createPgClaims(db: PgDatabase, clock: Clock, owner = `${process.pid}-${randomUUID()}`): BatchClaims {
  const release = async (tx: SqlExecutor, records: PendingEmbedding[]) => {
    for (const tier of TIERS) {
      const mine = records.filter((record) => record.tier === tier);
      if (mine.length > 0) await tx.query(releaseSql(tier), [owner, mine.map((r) => r.namespace), mine.map((r) => r.id)]);
    }
  };

  return {
    backend: 'postgres',
    async claimEmbeddings({ model, dimensions, limit, leaseMs }: EmbeddingClaim) {
      if (limit <= 0) return [];
      const now = clock.now();
      return db.transaction('jobs.claimEmbeddings', async (tx) => {
        // Each tier's oldest, then the oldest of both; what is left over is given back at once.
        const rows: ClaimedRow[] = [];
        for (const tier of TIERS) rows.push(...(await tx.query<ClaimedRow>(claimSql(tier), [model, dimensions, toIso(now), limit, owner, toIso(now + leaseMs)])));
        rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        await release(tx, rows.slice(limit));
        return rows.slice(0, limit).map(({ tier, namespace, id, content }) => ({ tier, namespace, id, content }));
      });
    },
    async release(records) {
      if (records.length === 0) return;
      await db.transaction('jobs.release', (tx) => release(tx, records));
    },
  };
}
