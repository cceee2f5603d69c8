// The vectors of one (tier, namespace, model, dimensions): a growable matrix of unit vectors, one
// row per record, with the record's id and interned scope codes in parallel arrays, the rows of
// each scope code (ScopeRows), and an HNSW graph over the rows (AnnGraph) once there are enough.
// A query scans exactly the rows of a scope small enough for that to be faster, and asks the graph
// otherwise. Rows written since the graph last caught up are pending: scanned exactly until a
// background step (or the writes themselves, when too many wait) adds them. No SQL here.

import { AnnGraph } from './ann-graph.js';
import { bestOf, countInScope, dot, inScope, mayReach, queryTail, reachingRows, scanRanking, tailNorm, type Candidate, type Ranking, type RowTable } from './exact-scan.js';
import { TUNING_DEFAULTS, type PartitionTuning } from './partition-tuning.js';
import { planQuery, type Plan } from './query-plan.js';
import { ScopeCodes, UNSET } from './scope-codes.js';
import { ScopeRows } from './scope-rows.js';

export type { ScopeIds, ScopeMatch } from './scope-codes.js';
import type { ScopeIds, ScopeMatch } from './scope-codes.js';
export type { Candidate, Ranking } from './exact-scan.js';
export type { PartitionTuning } from './partition-tuning.js';

const INITIAL_ROWS = 64;
/** Bytes per row beside its vector: alive and graphed flags, three scope codes. */
const ROW_BYTES = 2 + 3 * 4;
/** An estimate of a Map entry plus a string's header on 64-bit V8, for ids. */
const ENTRY_BYTES = 56;
/**
 * Past this many pending rows, each write adds two of them to the graph itself. Every graph query
 * scans the pending rows too, so a long queue makes each duplicate check of a large batch slow;
 * the inserts cost the same whether the background or the writes make them.
 */
const PENDING_MAX = 256;

export class VectorPartition {
  readonly dimensions: number;
  #tuning: Required<PartitionTuning>;
  #capacity = 0;
  /** Rows ever used (live or free); free ones are reused first. */
  #size = 0;
  #live = 0;
  #matrix: Float32Array = new Float32Array(0);
  #alive: Uint8Array = new Uint8Array(0);
  /** Per row, the norm of its unit vector beyond its head (for the bound in exact-scan.ts). */
  #tails: Float32Array = new Float32Array(0);
  /** 1 when the row's current vector is in the graph and findable there. */
  #graphed: Uint8Array = new Uint8Array(0);
  /** Scope codes per field (user, agent, session), one Int32Array each. */
  #fields: [Int32Array, Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];
  readonly #lists: [ScopeRows, ScopeRows, ScopeRows] = [new ScopeRows(), new ScopeRows(), new ScopeRows()];
  #ids: Array<string | undefined> = [];
  /** Id → row; built on first use after a restore, which then needs none. */
  #rowMap: Map<string, number> | undefined = new Map();
  readonly #free: number[] = [];
  #idBytes = 0;
  readonly #codes = new ScopeCodes();
  #graph: AnnGraph | undefined;
  /** A graph is being read from disk: none is built meanwhile, and rows written are noted. */
  #awaitingGraph = false;
  readonly #touched = new Set<number>();
  /** Live rows not (or no longer) in the graph, in no order; `#queued` says which rows are here. */
  #pending: number[] = [];
  #queued: Uint8Array = new Uint8Array(0);

  constructor(dimensions: number, tuning: PartitionTuning = {}) {
    this.dimensions = dimensions;
    this.#tuning = { ...TUNING_DEFAULTS, ...tuning };
  }

  get size(): number {
    return this.#live;
  }

  /** Changes the query-time tuning (benches compare breadths on one graph); build settings apply to graphs built later. */
  retune(tuning: PartitionTuning): void {
    this.#tuning = { ...this.#tuning, ...tuning };
  }

  /** Distinct scope ids (users, agents, sessions) that live rows carry. */
  get scopeIds(): number {
    return this.#codes.size;
  }

  /** Rows waiting to enter the graph (scanned exactly until then). */
  get pending(): number {
    return this.#graph === undefined ? 0 : this.#pending.length;
  }

  get hasGraph(): boolean {
    return this.#graph !== undefined;
  }

  /** Memory held, in bytes: typed arrays exactly, the graph, ids, codes and row lists estimated. */
  get bytes(): number {
    const lists = this.#lists.reduce((sum, list) => sum + list.bytes, 0);
    return this.#capacity * (this.dimensions * 4 + ROW_BYTES + 1) + this.#idBytes + this.#codes.bytes + lists + (this.#graph?.bytes ?? 0) + this.#pending.length * 8;
  }

  /** Adds or replaces a record's vector, stored as a unit-length copy (a zero vector stays zero). */
  upsert(id: string, scope: ScopeIds, vector: Float32Array): void {
    let row = this.#rowOf().get(id);
    const values = [scope.userId, scope.agentId, scope.sessionId] as const;
    if (row === undefined) {
      row = this.#free.pop() ?? this.#newRow();
      this.#rowOf().set(id, row);
      this.#ids[row] = id;
      this.#alive[row] = 1;
      this.#live += 1;
      this.#idBytes += ENTRY_BYTES + id.length;
      for (let f = 0; f < 3; f += 1) this.#setCode(f, row, this.#codes.intern(values[f]));
    } else {
      for (let f = 0; f < 3; f += 1) {
        // Interned before the old code is released, so that an unchanged scope id keeps its code.
        const old = this.#fields[f]![row]!;
        const code = this.#codes.intern(values[f]);
        this.#lists[f]!.delete(old, row);
        this.#setCode(f, row, code);
        this.#codes.release(old);
      }
      this.#unGraph(row);
    }
    let norm = 0;
    for (let j = 0; j < this.dimensions; j += 1) norm += vector[j]! * vector[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const base = row * this.dimensions;
    for (let j = 0; j < this.dimensions; j += 1) this.#matrix[base + j] = vector[j]! * scale;
    this.#tails[row] = tailNorm(this.#matrix, this.dimensions, row);
    this.#queue(row);
    if (this.#graph === undefined && !this.#awaitingGraph && this.#live >= this.#tuning.graphFrom) this.#startGraph();
    if (this.#graph !== undefined && this.#pending.length > PENDING_MAX) this.indexPending(2);
  }

  remove(id: string): boolean {
    const row = this.#rowOf().get(id);
    if (row === undefined) return false;
    this.#rowOf().delete(id);
    this.#unGraph(row);
    this.#alive[row] = 0;
    this.#live -= 1;
    this.#idBytes -= ENTRY_BYTES + id.length;
    this.#ids[row] = undefined;
    for (let f = 0; f < 3; f += 1) {
      const code = this.#fields[f]![row]!;
      this.#lists[f]!.delete(code, row);
      this.#codes.release(code);
      this.#fields[f]![row] = UNSET;
    }
    this.#free.push(row);
    return true;
  }

  /** Ranks the rows in scope against `query` (any length-`dimensions` vector; normalised here). */
  rank(query: Float32Array, match: ScopeMatch): Ranking {
    const plan = planQuery(query, match, this.dimensions, this.#codes, this.#lists, this.#live);
    if (plan === undefined) return { eligible: 0, top: () => [] };
    let exact: Ranking | undefined;
    const scan = () => (exact ??= scanRanking(this.#table(), plan));
    if (!this.#useGraph(plan)) return scan();
    let eligible: number | undefined;
    const count = () => (eligible ??= countInScope(this.#table(), plan));
    return {
      get eligible() {
        return count();
      },
      top: (k) => {
        // A wide ask is cheaper as a scan; so is one the graph cannot fill (its scope is sparse there).
        if (k * 4 >= plan.bound) return scan().top(k);
        const found = this.#search(plan, k, this.#tuning.searchBreadth);
        return found.length >= k || found.length >= count() ? found : scan().top(k);
      },
    };
  }

  /**
   * Up to `limit` of the rows in scope nearest `query` whose cosine reaches `threshold`, best
   * first: a duplicate check, which only needs the few nearest.
   */
  nearest(query: Float32Array, match: ScopeMatch, threshold: number, limit: number): Candidate[] {
    const plan = planQuery(query, match, this.dimensions, this.#codes, this.#lists, this.#live);
    if (plan === undefined || limit <= 0) return [];
    const found = this.#useGraph(plan) ? this.#search(plan, limit, this.#tuning.checkBreadth, threshold) : reachingRows(this.#table(), plan, threshold, limit);
    return found.filter((candidate) => candidate.score >= threshold);
  }

  /** Adds up to `count` pending rows to the graph; true while some are left. */
  indexPending(count: number): boolean {
    const graph = this.#graph;
    if (graph === undefined) return false;
    const dim = this.dimensions;
    for (let n = 0; n < count && this.#pending.length > 0; n += 1) {
      const row = this.#pending.pop()!;
      this.#queued[row] = 0;
      if (this.#alive[row] === 0) continue;
      graph.add(row, this.#matrix.subarray(row * dim, (row + 1) * dim));
      this.#graphed[row] = 1;
    }
    return this.#pending.length > 0;
  }

  /** Adds every pending row to the graph now. */
  settle(): void {
    while (this.indexPending(1024));
  }

  // ---- persistence (vector-snapshot.ts) ----

  /** The state a snapshot file holds; the arrays are views, valid until the next write. */
  state(): PartitionState {
    const n = this.#size;
    return {
      size: n,
      ids: this.#ids.slice(0, n).map((id) => id ?? null),
      names: this.#codes.names(),
      matrix: this.#matrix.subarray(0, n * this.dimensions),
      tails: this.#tails.subarray(0, n),
      fields: [this.#fields[0].subarray(0, n), this.#fields[1].subarray(0, n), this.#fields[2].subarray(0, n)],
      graphed: this.#graphed.subarray(0, n),
    };
  }

  get graph(): AnnGraph | undefined {
    return this.#graph;
  }

  /** A partition as `state` left it; its graph is to come through `attachGraph` (until then, queries scan). */
  static restore(dimensions: number, state: PartitionState, tuning: PartitionTuning = {}): VectorPartition {
    const partition = new VectorPartition(dimensions, tuning);
    const n = state.size;
    // The snapshot's arrays are taken as they are (capacity = size): the first new row copies them.
    partition.#capacity = n;
    partition.#size = n;
    partition.#matrix = state.matrix;
    partition.#fields = state.fields;
    partition.#graphed = state.graphed;
    partition.#alive = new Uint8Array(n);
    partition.#queued = new Uint8Array(n);
    partition.#tails = state.tails;
    partition.#ids = state.ids as Array<string | undefined>;
    partition.#rowMap = undefined;
    for (let row = 0; row < n; row += 1) {
      const id = state.ids[row];
      if (id === null || id === undefined) {
        partition.#ids[row] = undefined;
        partition.#free.push(row);
        partition.#graphed[row] = 0;
        for (const field of partition.#fields) field[row] = UNSET;
        continue;
      }
      partition.#alive[row] = 1;
      partition.#live += 1;
      partition.#idBytes += ENTRY_BYTES + id.length;
      if (partition.#graphed[row] === 0) partition.#queue(row);
    }
    partition.#codes.load(state.names);
    partition.#codes.count(partition.#fields, n, partition.#alive);
    for (let f = 0; f < 3; f += 1) partition.#lists[f]!.load(partition.#fields[f]!, n, partition.#alive);
    partition.#awaitingGraph = partition.#live >= partition.#tuning.graphFrom;
    return partition;
  }

  /**
   * A partition of every stored vector (a load from SQLite). Its graph, once it is large enough for
   * one, is built afterwards a slice at a time (`indexPending`), not within the load: until then
   * queries scan exactly.
   */
  static build(dimensions: number, vectors: Iterable<{ id: string; scope: ScopeIds; vector: Float32Array }>, tuning: PartitionTuning = {}): VectorPartition {
    const partition = new VectorPartition(dimensions, tuning);
    partition.#awaitingGraph = true;
    for (const { id, scope, vector } of vectors) partition.upsert(id, scope, vector);
    partition.attachGraph(undefined);
    return partition;
  }

  #rowOf(): Map<string, number> {
    if (this.#rowMap === undefined) {
      this.#rowMap = new Map();
      for (let row = 0; row < this.#size; row += 1) if (this.#alive[row] === 1) this.#rowMap.set(this.#ids[row]!, row);
    }
    return this.#rowMap;
  }

  /**
   * The graph read for this partition (or undefined when it could not be): rows written since the
   * snapshot are hidden in it and queued again. Without a graph, one is built from the rows.
   */
  attachGraph(graph: AnnGraph | undefined): void {
    if (!this.#awaitingGraph) return;
    this.#awaitingGraph = false;
    if (graph === undefined) {
      this.#touched.clear();
      if (this.#live >= this.#tuning.graphFrom) this.#startGraph();
      return;
    }
    for (const row of this.#touched) {
      graph.hide(row);
      this.#graphed[row] = 0;
      if (this.#alive[row] === 1) this.#queue(row);
    }
    this.#touched.clear();
    this.#graph = graph;
  }

  #startGraph(): void {
    this.#graph = AnnGraph.create(this.dimensions, this.#capacity, this.#tuning.buildBreadth);
    for (let row = 0; row < this.#size; row += 1) if (this.#alive[row] === 1) this.#queue(row);
  }

  #queue(row: number): void {
    if (this.#queued[row] === 1) return;
    this.#queued[row] = 1;
    this.#pending.push(row);
  }

  /** The row's vector changes or goes: the graph must not find it any more. */
  #unGraph(row: number): void {
    if (this.#awaitingGraph) this.#touched.add(row);
    if (this.#graphed[row] === 1) {
      this.#graph?.hide(row);
      this.#graphed[row] = 0;
    }
  }

  #setCode(field: number, row: number, code: number): void {
    this.#fields[field]![row] = code;
    this.#lists[field]!.add(code, row);
  }

  /** A graph that lags by more rows than a small scope holds (it is being built) is not asked: its pending rows alone cost a scan. */
  #useGraph(plan: Plan): boolean {
    const { scanUpTo, graphShare } = this.#tuning;
    return this.#graph !== undefined && plan.bound > scanUpTo && plan.bound >= this.#live * graphShare && this.#pending.length <= scanUpTo;
  }

  /**
   * The graph's `k` nearest in scope, with the pending rows in scope scanned; scores exact. With a
   * `threshold`, pending rows certainly below it are passed over on their bound.
   */
  #search(plan: Plan, k: number, breadth: number, threshold = Number.NEGATIVE_INFINITY): Candidate[] {
    const table = this.#table();
    const { codes, q } = plan;
    // A scope that holds every live row needs no filter (hnswlib then calls back for nothing).
    const scoped = !plan.everyRow;
    const accept = scoped ? (row: number) => this.#graphed[row] === 1 && inScope(table.fields, row, codes) : undefined;
    const found = this.#graph!.search(q, k, breadth, accept).map((row) => ({ row, score: dot(table.matrix, this.dimensions, q, row) }));
    const bounded = threshold > -1;
    const qTail = bounded ? queryTail(q, this.dimensions) : 0;
    for (const row of this.#pending) {
      if (this.#alive[row] === 0 || this.#graphed[row] === 1 || !inScope(table.fields, row, codes)) continue;
      if (bounded && !mayReach(table, q, qTail, row, threshold)) continue;
      found.push({ row, score: dot(table.matrix, this.dimensions, q, row) });
    }
    return bestOf(table, found, k);
  }

  /** The rows as the exact scans read them (views, valid until the next write). */
  #table(): RowTable {
    return { dimensions: this.dimensions, size: this.#size, matrix: this.#matrix, alive: this.#alive, tails: this.#tails, fields: this.#fields, ids: this.#ids };
  }

  #newRow(): number {
    if (this.#size === this.#capacity) this.#resize(Math.max(INITIAL_ROWS, this.#capacity * 2));
    this.#size += 1;
    return this.#size - 1;
  }

  #resize(capacity: number): void {
    const grow = <A extends Float32Array | Uint8Array | Int32Array>(from: A, to: A): A => {
      to.set(from.subarray(0, Math.min(from.length, to.length)));
      return to;
    };
    this.#matrix = grow(this.#matrix, new Float32Array(capacity * this.dimensions));
    this.#alive = grow(this.#alive, new Uint8Array(capacity));
    this.#tails = grow(this.#tails, new Float32Array(capacity));
    this.#graphed = grow(this.#graphed, new Uint8Array(capacity));
    this.#queued = grow(this.#queued, new Uint8Array(capacity));
    this.#fields = [grow(this.#fields[0], new Int32Array(capacity)), grow(this.#fields[1], new Int32Array(capacity)), grow(this.#fields[2], new Int32Array(capacity))];
    this.#capacity = capacity;
  }
}

/** What a snapshot file holds of a partition; a free row has a null id. */
export interface PartitionState {
  size: number;
  ids: Array<string | null>;
  names: Array<string | null>;
  matrix: Float32Array;
  /** Per row, the norm of its vector beyond the head (see exact-scan.ts). */
  tails: Float32Array;
  fields: [Int32Array, Int32Array, Int32Array];
  graphed: Uint8Array;
}
