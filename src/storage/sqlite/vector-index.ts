// The in-process vector index of the SQLite adapter: one VectorPartition per (tier, namespace,
// model, dimensions), loaded lazily from SQLite by the vector store and kept current by every
// write path of the adapter. Writers change it only after their transaction commits, so a
// rolled-back write never shows here. SQLite stays the source of truth; this is a cache of it.

import type { Tier } from '../../core/types.js';
import { VectorPartition, type ScopeIds } from './vector-partition.js';

export type { Candidate, Ranking, ScopeIds, ScopeMatch } from './vector-partition.js';

export interface PartitionKey {
  tier: Tier;
  namespace: string;
  model: string;
  dimensions: number;
}

export interface IndexedVector {
  id: string;
  scope: ScopeIds;
  vector: Float32Array;
}

const recordsKey = (tier: Tier, namespace: string) => `${tier}\u0000${namespace}`;
const vectorsKey = (model: string, dimensions: number) => `${model}\u0000${dimensions}`;

export class VectorIndex {
  /** tier + namespace → model + dimensions → partition. */
  readonly #partitions = new Map<string, Map<string, VectorPartition>>();

  /** The partition when it has been loaded, else undefined. */
  get(key: PartitionKey): VectorPartition | undefined {
    return this.#partitions.get(recordsKey(key.tier, key.namespace))?.get(vectorsKey(key.model, key.dimensions));
  }

  /** Builds a partition from stored vectors, replacing any loaded one. */
  load(key: PartitionKey, vectors: Iterable<IndexedVector>): VectorPartition {
    const partition = new VectorPartition(key.dimensions);
    for (const { id, scope, vector } of vectors) partition.upsert(id, scope, vector);
    const records = recordsKey(key.tier, key.namespace);
    let models = this.#partitions.get(records);
    if (!models) {
      models = new Map();
      this.#partitions.set(records, models);
    }
    models.set(vectorsKey(key.model, key.dimensions), partition);
    return partition;
  }

  /**
   * A record now has `vector` of `key.model`: it leaves any other partition of its tier and
   * namespace (a record holds one vector), and enters this one if it is loaded (else the
   * partition's lazy load will read it from SQLite).
   */
  set(key: PartitionKey, id: string, scope: ScopeIds, vector: Float32Array): void {
    const target = vectorsKey(key.model, key.dimensions);
    const models = this.#partitions.get(recordsKey(key.tier, key.namespace));
    if (!models) return;
    for (const [name, partition] of models) {
      if (name === target) partition.upsert(id, scope, vector);
      else partition.remove(id);
    }
  }

  /** A record was deleted, or its vector cleared. */
  remove(tier: Tier, namespace: string, id: string): void {
    const models = this.#partitions.get(recordsKey(tier, namespace));
    if (!models) return;
    for (const partition of models.values()) partition.remove(id);
  }

  /** Forgets everything, e.g. when the database closes; partitions reload on next use. */
  clear(): void {
    this.#partitions.clear();
  }
}
