// The approximate nearest-neighbour graph of one vector partition: an HNSW graph (hnswlib, in
// C++) over inner products of unit vectors, labelled by the partition's row numbers. It only
// proposes rows: the partition scores them again exactly and checks they are still live.

import hnswlib from 'hnswlib-node';

/** Links per node (M), and by default the breadth of the search that places a new node (efConstruction). */
const LINKS = 16;
export const BUILD_BREADTH = 64;
/** Bytes per node beyond its vector: level-0 links (2M ids and a count), label, and hnswlib's bookkeeping. */
const NODE_BYTES = (2 * LINKS + 1) * 4 + 8 + 40;

export class AnnGraph {
  readonly dimensions: number;
  #index: hnswlib.HierarchicalNSW;
  #capacity: number;

  private constructor(dimensions: number, index: hnswlib.HierarchicalNSW, capacity: number) {
    this.dimensions = dimensions;
    this.#index = index;
    this.#capacity = capacity;
  }

  static create(dimensions: number, capacity: number, buildBreadth = BUILD_BREADTH): AnnGraph {
    const index = new hnswlib.HierarchicalNSW('ip', dimensions);
    index.initIndex({ maxElements: Math.max(1, capacity), m: LINKS, efConstruction: buildBreadth, randomSeed: 100, allowReplaceDeleted: false });
    return new AnnGraph(dimensions, index, Math.max(1, capacity));
  }

  /** A graph written by `write`, read on a worker thread; rejects when the file cannot be read. */
  static async read(path: string, dimensions: number): Promise<AnnGraph> {
    const index = new hnswlib.HierarchicalNSW('ip', dimensions);
    const ok = await index.readIndex(path, false);
    if (!ok) throw new Error('the graph file could not be read');
    return new AnnGraph(dimensions, index, index.getMaxElements());
  }

  /** Nodes in the graph, deleted ones included (they still route searches). */
  get count(): number {
    return this.#index.getCurrentCount();
  }

  /** Estimated bytes held: every node slot's vector and links, allocated up to capacity. */
  get bytes(): number {
    return Math.round(this.#capacity * (this.dimensions * 4 + NODE_BYTES) * 1.07);
  }

  /** Adds row `label` (a unit vector), or replaces its vector and makes it findable again. */
  add(label: number, vector: ArrayLike<number>): void {
    if (label >= this.#capacity) {
      this.#capacity = Math.max(label + 1, this.#capacity * 2);
      this.#index.resizeIndex(this.#capacity);
    }
    this.#index.addPoint(Array.from(vector), label);
  }

  /** Row `label` is no longer found (its node keeps routing); a label not in the graph is ignored. */
  hide(label: number): void {
    try {
      this.#index.markDelete(label);
    } catch {
      // not in the graph, or already hidden
    }
  }

  /** Up to `k` rows nearest `query` that `accept`, searched `breadth` wide. */
  search(query: ArrayLike<number>, k: number, breadth: number, accept?: (label: number) => boolean): number[] {
    const count = this.#index.getCurrentCount();
    if (count === 0 || k <= 0) return [];
    this.#index.setEf(Math.max(breadth, k));
    const n = Math.min(k, count);
    try {
      return accept ? this.#index.searchKnn(Array.from(query), n, accept).neighbors : this.#index.searchKnn(Array.from(query), n).neighbors;
    } catch {
      // hnswlib throws when fewer than `n` nodes pass: the caller falls back to an exact scan.
      return [];
    }
  }

  write(path: string): void {
    this.#index.writeIndexSync(path);
  }
}
