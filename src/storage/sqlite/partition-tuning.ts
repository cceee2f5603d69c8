// When and how a vector partition uses its ANN graph: the sizes from which it builds one and asks
// it, and the breadths of its searches. Tests and benches set these; the defaults serve otherwise.

import { BUILD_BREADTH } from './ann-graph.js';

export interface PartitionTuning {
  /** A partition gets a graph once it holds this many live rows; below, every query scans. */
  graphFrom?: number;
  /** A scope of at most this many rows is scanned exactly, whatever the partition's size. */
  scanUpTo?: number;
  /** A scoped search asks the graph only when its scope is at least this share of the partition. */
  graphShare?: number;
  /** Breadth (hnswlib's ef) of the search that places a new row in the graph. */
  buildBreadth?: number;
  /** Breadth (hnswlib's ef) of a ranking search and of a duplicate check. */
  searchBreadth?: number;
  checkBreadth?: number;
}

export const TUNING_DEFAULTS: Required<PartitionTuning> = { buildBreadth: BUILD_BREADTH, graphFrom: 4096, scanUpTo: 4096, graphShare: 0.2, searchBreadth: 256, checkBreadth: 48 };
