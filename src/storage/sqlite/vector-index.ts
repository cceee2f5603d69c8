// The in-process vector index of the SQLite adapter: one VectorPartition per (tier, namespace,
// model, dimensions), loaded lazily from SQLite by the vector store and kept current by every
// write path of the adapter. Writers change it only after their transaction commits, so a
// rolled-back write never shows here. SQLite stays the source of truth; this is a cache of it,
// bounded in bytes: whole partitions leave it least recently used first, and load again on use.
// Rows enter a partition's ANN graph in the background, a slice per event-loop turn; until then
// they are scanned exactly. With snapshots, loaded partitions are written beside the database at
// close and read back in the background as the next start opens the index (or on first use, if
// that comes first), their graphs on a worker thread.

import type { VectorIndexUsage } from '../../core/ports.js';
import type { Tier } from '../../core/types.js';
import { VectorPartition, type PartitionTuning, type ScopeIds } from './vector-partition.js';
import type { VectorSnapshots } from './vector-snapshot.js';

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

export interface VectorIndexOptions {
  /** Bytes the partitions may hold together (default: no cap). */
  maxBytes?: number;
  /** Called once per partition that alone holds more than `maxBytes`: it is kept, alone. */
  onOversize?: (key: PartitionKey, bytes: number, maxBytes: number) => void;
  /** When and how partitions use their ANN graph (tests and benches set it; defaults otherwise). */
  tuning?: PartitionTuning;
  /** Where partitions are written at close and read back after a restart; none in memory. */
  snapshots?: VectorSnapshots;
}

/** Pending rows added to graphs per event-loop turn, so that no turn stalls for long. */
const INDEX_SLICE = 64;

interface Entry {
  key: PartitionKey;
  partition: VectorPartition;
  /** Bytes last counted for this partition, so that the total moves by differences. */
  bytes: number;
}

const recordsKey = (tier: Tier, namespace: string) => `${tier}\u0000${namespace}`;
const vectorsKey = (model: string, dimensions: number) => `${model}\u0000${dimensions}`;
const fullKey = (key: PartitionKey) => `${recordsKey(key.tier, key.namespace)}\u0000${vectorsKey(key.model, key.dimensions)}`;

export class VectorIndex {
  /** tier + namespace → model + dimensions → partition entry. */
  readonly #partitions = new Map<string, Map<string, Entry>>();
  /** Every entry by its full key, least recently used first (a use moves it to the end). */
  readonly #recency = new Map<string, Entry>();
  readonly #maxBytes: number;
  readonly #onOversize: VectorIndexOptions['onOversize'];
  /** Full keys already reported as larger than the cap. */
  readonly #oversize = new Set<string>();
  #bytes = 0;
  #evictions = 0;
  readonly #tuning: PartitionTuning;
  readonly #snapshots: VectorSnapshots | undefined;
  #indexing: NodeJS.Immediate | undefined;
  /** Counts `clear` calls, so that a load begun before one is not adopted after it. */
  #opened = 0;

  constructor(options: VectorIndexOptions = {}) {
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#onOversize = options.onOversize;
    this.#tuning = options.tuning ?? {};
    this.#snapshots = options.snapshots;
  }

  /**
   * Takes the snapshots written at the last close (see VectorSnapshots.claim) and loads each
   * partition from its snapshot as soon as its file is read, in the background, while the cap
   * leaves room: the first search after a start then finds it loaded. Settles once all are read.
   */
  open(): Promise<void> {
    if (this.#snapshots === undefined) return Promise.resolve();
    // A file read after `clear` (the storage closed meanwhile) loads nothing.
    const opened = this.#opened;
    return this.#snapshots.claim((key) => {
      if (opened !== this.#opened) return;
      const loaded = this.#partitions.get(recordsKey(key.tier, key.namespace))?.has(vectorsKey(key.model, key.dimensions));
      if (!loaded && this.#bytes < this.#maxBytes) this.restore(key);
    });
  }

  /** The partition of a valid snapshot, now the loaded one; undefined when there is none. */
  restore(key: PartitionKey): VectorPartition | undefined {
    const partition = this.#snapshots?.restore(key, this.#tuning, () => this.#schedule());
    if (partition === undefined) return undefined;
    this.#adopt(key, partition);
    return partition;
  }

  /** Writes every loaded partition's snapshot (when the index has somewhere to), e.g. as the database closes. */
  persist(): void {
    this.#snapshots?.write([...this.#recency.values()].map(({ key, partition }) => ({ key, partition })));
  }

  /** Adds every pending row to its graph now (tests, and benches that measure a settled index). */
  settle(): void {
    for (const entry of this.#recency.values()) {
      entry.partition.settle();
      this.#recount(entry);
    }
  }

  /** The partition when it is loaded (and then the most recently used), else undefined. */
  get(key: PartitionKey): VectorPartition | undefined {
    const entry = this.#partitions.get(recordsKey(key.tier, key.namespace))?.get(vectorsKey(key.model, key.dimensions));
    if (!entry) return undefined;
    const full = fullKey(key);
    this.#recency.delete(full);
    this.#recency.set(full, entry);
    return entry.partition;
  }

  /**
   * Builds a partition from stored vectors (its graph follows in the background), replacing any
   * loaded one, then evicts the least recently used others while the index holds more than its
   * cap. The partition just loaded is the one its caller is about to search: it is never evicted
   * here, even when it alone is larger.
   */
  load(key: PartitionKey, vectors: Iterable<IndexedVector>): VectorPartition {
    const partition = VectorPartition.build(key.dimensions, vectors, this.#tuning);
    this.#adopt(key, partition);
    return partition;
  }

  #adopt(key: PartitionKey, partition: VectorPartition): void {
    const records = recordsKey(key.tier, key.namespace);
    let models = this.#partitions.get(records);
    if (!models) {
      models = new Map();
      this.#partitions.set(records, models);
    }
    const full = fullKey(key);
    const previous = this.#recency.get(full);
    if (previous) this.#bytes -= previous.bytes;
    this.#recency.delete(full);
    const entry: Entry = { key, partition, bytes: partition.bytes };
    models.set(vectorsKey(key.model, key.dimensions), entry);
    this.#recency.set(full, entry);
    this.#bytes += entry.bytes;
    this.#fit(entry);
    this.#schedule();
  }

  /**
   * A record now has `vector` of `key.model`: it leaves any other partition of its tier and
   * namespace (a record holds one vector), and enters this one if it is loaded (else the
   * partition's lazy load will read it from SQLite).
   */
  set(key: PartitionKey, id: string, scope: ScopeIds, vector: Float32Array): void {
    this.#snapshots?.spoil(key.tier, key.namespace);
    const target = vectorsKey(key.model, key.dimensions);
    const models = this.#partitions.get(recordsKey(key.tier, key.namespace));
    if (!models) return;
    let grown: Entry | undefined;
    for (const [name, entry] of models) {
      if (name === target) {
        entry.partition.upsert(id, scope, vector);
        grown = entry;
      } else entry.partition.remove(id);
      this.#recount(entry);
    }
    if (grown) this.#fit(grown);
    this.#schedule();
  }

  /** A record was deleted, or its vector cleared. */
  remove(tier: Tier, namespace: string, id: string): void {
    this.#snapshots?.spoil(tier, namespace);
    const models = this.#partitions.get(recordsKey(tier, namespace));
    if (!models) return;
    for (const entry of models.values()) {
      entry.partition.remove(id);
      this.#recount(entry);
    }
  }

  /** Forgets everything, e.g. when the database closes; partitions reload on next use. */
  clear(): void {
    if (this.#indexing) clearImmediate(this.#indexing);
    this.#indexing = undefined;
    this.#opened += 1;
    this.#partitions.clear();
    this.#recency.clear();
    this.#bytes = 0;
  }

  /** Forgets the partitions of a tier and namespace (an erasure): they load again from SQLite on next use. */
  drop(tier: Tier, namespace: string): void {
    this.#snapshots?.spoil(tier, namespace);
    const records = recordsKey(tier, namespace);
    const models = this.#partitions.get(records);
    if (!models) return;
    for (const entry of models.values()) {
      this.#recency.delete(fullKey(entry.key));
      this.#bytes -= entry.bytes;
    }
    this.#partitions.delete(records);
  }

  /** How many of `ids` the loaded partitions of a tier and namespace hold (an erasure's verification). */
  holds(tier: Tier, namespace: string, ids: ReadonlySet<string>): number {
    let found = 0;
    for (const entry of this.#partitions.get(recordsKey(tier, namespace))?.values() ?? []) {
      for (const id of entry.partition.state().ids) if (id !== null && ids.has(id)) found += 1;
    }
    return found;
  }

  usage(): VectorIndexUsage {
    return { bytes: this.#bytes, maxBytes: this.#maxBytes, partitions: this.#recency.size, evictions: this.#evictions };
  }

  /** One slice of pending rows into the graphs per event-loop turn, until none is left. */
  #schedule(): void {
    if (this.#indexing) return;
    const step = () => {
      this.#indexing = undefined;
      let more = false;
      for (const entry of this.#recency.values()) {
        if (entry.partition.pending === 0) continue;
        more = entry.partition.indexPending(INDEX_SLICE) || more;
        this.#recount(entry);
        this.#fit(entry);
      }
      if (more) this.#indexing = setImmediate(step);
    };
    this.#indexing = setImmediate(step);
  }

  #recount(entry: Entry): void {
    const bytes = entry.partition.bytes;
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  /** Evicts whole partitions, least recently used first and never `keep`, until the index fits its cap. */
  #fit(keep: Entry): void {
    if (this.#bytes <= this.#maxBytes) return;
    for (const [full, entry] of this.#recency) {
      if (this.#bytes <= this.#maxBytes) return;
      if (entry === keep) continue;
      this.#recency.delete(full);
      const records = recordsKey(entry.key.tier, entry.key.namespace);
      const models = this.#partitions.get(records)!;
      models.delete(vectorsKey(entry.key.model, entry.key.dimensions));
      if (models.size === 0) this.#partitions.delete(records);
      this.#bytes -= entry.bytes;
      this.#evictions += 1;
    }
    const full = fullKey(keep.key);
    if (this.#bytes > this.#maxBytes && !this.#oversize.has(full)) {
      this.#oversize.add(full);
      this.#onOversize?.(keep.key, keep.bytes, this.#maxBytes);
    }
  }
}
