// Snapshots of the vector index beside the database, so that a restart does not rebuild it: per
// partition a `.rows` file (ids, scope codes, unit vectors) and a `.graph` file (the HNSW graph).
// They are written when the storage closes, and a fresh token per write is recorded in SQLite
// (table vector_snapshots) only once both files are on disk. On open the tokens are taken out of
// SQLite: a snapshot counts only when its file carries a token taken then, and no write touched
// its tier and namespace since, so a stale, torn or foreign file is never used; the partition
// then loads from SQLite as before. SQLite stays the source of truth.

import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { Tier } from '../../core/types.js';
import { AnnGraph } from './ann-graph.js';
import type { SqliteDatabase } from './database.js';
import { VectorPartition, type PartitionState, type PartitionTuning } from './vector-partition.js';

/** 2: each row's tail norm is stored too, so that a restore computes none. */
const FORMAT = 2;

export interface SnapshotKey {
  tier: Tier;
  namespace: string;
  model: string;
  dimensions: number;
}

interface Header {
  format: number;
  /** Arrays are written in the host's byte order; another host's file is not read. */
  endianness: string;
  token: string;
  key: string;
  dimensions: number;
  size: number;
  graphCount: number;
  ids: Array<string | null>;
  names: Array<string | null>;
}

const keyText = (key: SnapshotKey) => JSON.stringify([key.tier, key.namespace, key.model, key.dimensions]);
const spoilKey = (tier: Tier, namespace: string) => JSON.stringify([tier, namespace]);
const keyOf = (text: string): SnapshotKey => {
  const [tier, namespace, model, dimensions] = JSON.parse(text) as [Tier, string, string, number];
  return { tier, namespace, model, dimensions };
};
/** The spoil key of a partition key's text. */
const spoilOf = (text: string) => {
  const [tier, space] = JSON.parse(text) as [Tier, string];
  return spoilKey(tier, space);
};

export class VectorSnapshots {
  readonly #folder: string;
  readonly #db: SqliteDatabase;
  /** Partition key → the token its files must carry; taken out of SQLite at open. */
  readonly #tokens = new Map<string, string>();
  /** Tiers and namespaces written since open: their snapshots are stale. */
  readonly #spoiled = new Set<string>();
  /** Rows files read ahead in the background since open, by partition key, once read. */
  readonly #read = new Map<string, Buffer>();

  /** `databasePath`'s snapshots live in the folder `<databasePath>-vectors`. */
  constructor(databasePath: string, db: SqliteDatabase) {
    this.#folder = `${databasePath}-vectors`;
    this.#db = db;
  }

  /**
   * Takes the recorded tokens out of SQLite (so a crash after this leaves none behind) and starts
   * reading their rows files ahead; the promise settles once they are read (or failed to be).
   * `onRead` learns of each partition whose file has been read while no write has made it stale.
   */
  claim(onRead?: (key: SnapshotKey) => void): Promise<void> {
    this.#tokens.clear();
    this.#spoiled.clear();
    this.#read.clear();
    const rows = this.#db.transaction('vectorSnapshots.claim', () =>
      this.#db.statement('DELETE FROM vector_snapshots RETURNING partition, token').all() as Array<{ partition: string; token: string }>,
    );
    // A migration may have changed stored vectors: snapshots from before it are not trusted.
    if (this.#db.migrated.length > 0) return Promise.resolve();
    const reads = rows.map((row) => {
      this.#tokens.set(row.partition, row.token);
      // Read ahead off the main thread, so that the first search after a start need not wait for the disk.
      return readWhole(`${this.#base(row.partition)}.rows`).then(
        (file) => {
          if (this.#tokens.get(row.partition) !== row.token || this.#spoiled.has(spoilOf(row.partition))) return;
          this.#read.set(row.partition, file);
          onRead?.(keyOf(row.partition));
        },
        () => undefined,
      );
    });
    return Promise.all(reads).then(() => undefined);
  }

  /** A write reached this tier and namespace: its snapshots no longer match SQLite. */
  spoil(tier: Tier, namespace: string): void {
    this.#spoiled.add(spoilKey(tier, namespace));
    for (const text of this.#read.keys()) if (spoilOf(text) === spoilKey(tier, namespace)) this.#read.delete(text);
  }

  /**
   * The partition of a valid snapshot, its graph read on a worker thread and attached when ready
   * (`onGraph` is then called); undefined when there is no valid snapshot.
   */
  restore(key: SnapshotKey, tuning: PartitionTuning, onGraph: () => void): VectorPartition | undefined {
    const text = keyText(key);
    const token = this.#tokens.get(text);
    if (token === undefined || this.#spoiled.has(spoilKey(key.tier, key.namespace))) return undefined;
    const base = this.#base(text);
    let state: PartitionState;
    let header: Header;
    try {
      const file = this.#read.get(text) ?? readFileSync(`${base}.rows`);
      this.#read.delete(text);
      ({ state, header } = readRows(file, token, text, key.dimensions));
    } catch {
      this.#tokens.delete(text);
      return undefined;
    }
    const partition = VectorPartition.restore(key.dimensions, state, tuning);
    AnnGraph.read(`${base}.graph`, key.dimensions).then(
      (graph) => {
        partition.attachGraph(graph.count === header.graphCount ? graph : undefined);
        onGraph();
      },
      () => {
        partition.attachGraph(undefined);
        onGraph();
      },
    );
    return partition;
  }

  /**
   * Writes the snapshots of `partitions` (those with a graph), then records their tokens in one
   * transaction, with those of the snapshots taken at open that no write has made stale since.
   */
  write(partitions: Array<{ key: SnapshotKey; partition: VectorPartition }>): void {
    const written: Array<[string, string]> = [];
    for (const { key, partition } of partitions) {
      const graph = partition.graph;
      if (graph === undefined || !partition.hasGraph) continue;
      const text = keyText(key);
      const base = this.#base(text);
      const token = randomUUID();
      mkdirSync(this.#folder, { recursive: true });
      graph.write(`${base}.graph.tmp`);
      syncFile(`${base}.graph.tmp`);
      renameSync(`${base}.graph.tmp`, `${base}.graph`);
      writeRows(`${base}.rows.tmp`, partition.state(), { format: FORMAT, endianness: endianness(), token, key: text, dimensions: key.dimensions, graphCount: graph.count });
      renameSync(`${base}.rows.tmp`, `${base}.rows`);
      written.push([text, token]);
    }
    // Snapshots taken at open and still true (unused, or read and not written to since) stay valid.
    for (const [text, token] of this.#tokens) {
      if (!this.#spoiled.has(spoilOf(text)) && !written.some(([done]) => done === text)) written.push([text, token]);
    }
    if (written.length === 0) return;
    this.#db.transaction('vectorSnapshots.record', () => {
      const insert = this.#db.statement('INSERT OR REPLACE INTO vector_snapshots (partition, token) VALUES (?, ?)');
      for (const [partition, token] of written) insert.run(partition, token);
    });
  }

  #base(text: string): string {
    return join(this.#folder, createHash('sha256').update(text).digest('hex').slice(0, 32));
  }
}

/**
 * A file's bytes in one read of its whole size: a few trips to the thread pool, where readFile
 * takes one per 512 KiB chunk, each waiting for a turn of the event loop while a server starts.
 */
async function readWhole(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buffer, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buffer.subarray(0, at);
  } finally {
    await handle.close();
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** [header length (uint32 LE)][header JSON, padded to 4 bytes][matrix f32][tails f32][3 × codes i32][graphed u8]. */
function writeRows(path: string, state: PartitionState, meta: Omit<Header, 'ids' | 'names' | 'size'>): void {
  const header: Header = { ...meta, size: state.size, ids: state.ids, names: state.names };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const fd = openSync(path, 'w');
  try {
    for (const part of [length, json, state.matrix, state.tails, ...state.fields, state.graphed]) {
      const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readRows(file: Buffer, token: string, key: string, dimensions: number): { state: PartitionState; header: Header } {
  const length = file.readUInt32LE(0);
  const header = JSON.parse(file.subarray(4, 4 + length).toString('utf8')) as Header;
  const n = header.size;
  if (header.format !== FORMAT || header.endianness !== endianness() || header.token !== token || header.key !== key || header.dimensions !== dimensions || header.ids.length !== n) {
    throw new Error('the snapshot does not match');
  }
  let at = 4 + length;
  if (file.length !== at + n * dimensions * 4 + n * 4 + 3 * n * 4 + n) throw new Error('the snapshot is torn');
  // Views on the file's bytes, not copies (every section starts at a multiple of 4 in the file).
  const buffer = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  const take = <A>(make: (bytes: ArrayBuffer, offset: number) => A, bytes: number): A => {
    const view = make(buffer.buffer as ArrayBuffer, buffer.byteOffset + at);
    at += bytes;
    return view;
  };
  const matrix = take((b, o) => new Float32Array(b, o, n * dimensions), n * dimensions * 4);
  const tails = take((b, o) => new Float32Array(b, o, n), n * 4);
  const codes = () => take((b, o) => new Int32Array(b, o, n), n * 4);
  const fields: [Int32Array, Int32Array, Int32Array] = [codes(), codes(), codes()];
  const graphed = take((b, o) => new Uint8Array(b, o, n), n);
  return { state: { size: n, ids: header.ids, names: header.names, matrix, tails, fields, graphed }, header };
}
