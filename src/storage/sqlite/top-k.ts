// Selecting the best few of many scores without sorting them all: a bounded min-heap whose root
// is the worst row kept so far. O(n log k) time and O(k) space.

/** Rows with a score of -Infinity are excluded. */
export const EXCLUDED = Number.NEGATIVE_INFINITY;

/**
 * The rows (indices into `scores`, below `count`) with the `k` highest scores, best first.
 * Ties go to the lower row, so that asking again for more rows extends, never reorders, the answer.
 */
export function topK(scores: Float64Array, count: number, k: number): number[] {
  if (k <= 0) return [];
  const heap = new Int32Array(k);
  let size = 0;
  // `a` ranks below `b`: a lower score, or the same score on a later row.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);

  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && worse(heap[right]!, heap[left]!) ? right : left;
      if (!worse(heap[child]!, heap[i]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[child]!;
      heap[child] = swap;
      i = child;
    }
  };
  const siftUp = (from: number) => {
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) return;
      const swap = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = swap;
      i = parent;
    }
  };

  // Once the heap is full, most rows lose to its root: that test is inlined, the rest is not.
  let floor = EXCLUDED;
  for (let row = 0; row < count; row += 1) {
    const score = scores[row]!;
    if (score === EXCLUDED) continue;
    if (size < k) {
      heap[size] = row;
      size += 1;
      siftUp(size - 1);
      if (size === k) floor = scores[heap[0]!]!;
    } else if (score > floor || (score === floor && row < heap[0]!)) {
      heap[0] = row;
      siftDown(0);
      floor = scores[heap[0]!]!;
    }
  }

  const best = Array.from(heap.subarray(0, size));
  return best.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
