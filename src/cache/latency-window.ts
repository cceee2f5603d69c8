export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
}

/** The last `size` latency samples, for p50/p95 without keeping every sample forever. */
export class LatencyWindow {
  readonly #samples: number[] = [];
  readonly #size: number;
  #next = 0;
  #count = 0;

  constructor(size = 2048) {
    this.#size = size;
  }

  record(ms: number): void {
    this.#count += 1;
    if (this.#samples.length < this.#size) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Nearest-rank percentiles over the window, in milliseconds rounded to microseconds; `count` is all samples ever. */
  summary(): LatencySummary {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 1000) / 1000);
    return { count: this.#count, p50: at(0.5), p95: at(0.95) };
  }
}
