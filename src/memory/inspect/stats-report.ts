// The stats answer of one tier, folded from the store's groups (kind × embedding status × model):
// how many records, how many of each kind, the oldest and newest, and where their vectors stand.
import type { TierCensus } from '../../core/ports.js';

export interface ModelVectors {
  model: string;
  dimensions: number;
  ready: number;
  failed: number;
}

export interface VectorReport {
  /** Waiting for the embedder (new records, or ones the backfill has not reached yet). */
  pending: number;
  /** Written while no embedder was configured. */
  none: number;
  /** By the model (and dimensions) a vector was made with, or the provider refused the text with. */
  models: ModelVectors[];
}

export interface TierReport {
  count: number;
  byKind: Record<string, number>;
  oldest?: string;
  newest?: string;
  vectors: VectorReport;
}

export function tierReport(census: TierCensus): TierReport {
  const byKind: Record<string, number> = {};
  const models = new Map<string, ModelVectors>();
  const vectors: VectorReport = { pending: 0, none: 0, models: [] };
  let count = 0;
  for (const group of census.groups) {
    count += group.count;
    byKind[group.kind] = (byKind[group.kind] ?? 0) + group.count;
    if (group.status === 'none' || group.status === 'pending') {
      vectors[group.status] += group.count;
      continue;
    }
    // A ready or failed record names its model; one that does not is waiting for one.
    if (group.model === undefined || group.dimensions === undefined) {
      vectors.pending += group.count;
      continue;
    }
    const key = `${group.model}\u0000${group.dimensions}`;
    const entry = models.get(key) ?? { model: group.model, dimensions: group.dimensions, ready: 0, failed: 0 };
    entry[group.status] += group.count;
    models.set(key, entry);
  }
  vectors.models = [...models.values()].sort((a, b) => (a.model === b.model ? a.dimensions - b.dimensions : a.model < b.model ? -1 : 1));
  return {
    count,
    byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    ...(census.oldest === undefined ? {} : { oldest: census.oldest }),
    ...(census.newest === undefined ? {} : { newest: census.newest }),
    vectors,
  };
}
