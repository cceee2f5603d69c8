// Exact top-k (the baseline every ANN answer is checked against), recall, and percentiles.

/** Indices of the `k` rows with the largest cosine to `query`, best first (rows need not be unit). */
export function exactTop(rows: readonly Float32Array[], query: Float32Array, k: number, eligible?: (row: number) => boolean): number[] {
  const q = unitOf(query);
  const best: Array<{ row: number; score: number }> = [];
  for (let row = 0; row < rows.length; row += 1) {
    if (eligible && !eligible(row)) continue;
    const v = rows[row]!;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < v.length; j += 1) {
      dot += v[j]! * q[j]!;
      norm += v[j]! * v[j]!;
    }
    const score = norm > 0 ? dot / Math.sqrt(norm) : 0;
    if (best.length < k || score > best[best.length - 1]!.score) {
      best.push({ row, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.row);
}

export function unitOf(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return vector.map((value) => value * scale);
}

/** Share of the exact top `k` found in `got` (1 when the exact answer has no rows). */
export function recallAt(got: readonly (number | string)[], exact: readonly (number | string)[], k: number): number {
  const want = exact.slice(0, k);
  if (want.length === 0) return 1;
  const found = new Set(got.slice(0, k));
  return want.filter((row) => found.has(row)).length / want.length;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
