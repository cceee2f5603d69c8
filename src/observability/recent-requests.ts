// The last minutes of request traffic of this process, for the web UI's operations view: a ring of
// fixed intervals, each with counts and a fixed-size latency histogram, so memory stays the same
// however much traffic comes. Prometheus keeps the long history; this answers "what now" from the
// moment a page opens, and works with metrics off.

/** Upper bounds in ms of the latency histogram of each interval; the last bucket has no upper bound. */
const LATENCY_BOUNDS_MS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000] as const;

export const RECENT_INTERVAL_SECONDS = 10;
export const RECENT_WINDOW_SECONDS = 900;
const SLOTS = RECENT_WINDOW_SECONDS / RECENT_INTERVAL_SECONDS;

/** One interval as the route answers it. */
export interface RecentBucket {
  start: string;
  requests: number;
  errors: number;
  clientErrors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface RecentRequestsReport {
  intervalSeconds: number;
  windowSeconds: number;
  since: string;
  buckets: RecentBucket[];
}

interface Slot {
  /** Which interval (ms since the epoch / interval) the slot holds; -1 when never used. */
  interval: number;
  requests: number;
  errors: number;
  clientErrors: number;
  maxMs: number;
  histogram: Uint32Array;
}

export interface RecentRequests {
  record(statusCode: number, elapsedMs: number): void;
  report(): RecentRequestsReport;
}

/**
 * The percentile `q` of a histogram: the upper bound of the bucket that holds it, never more than
 * the slowest request seen (so a lone 3 ms request reads 3 ms, not 5).
 */
function percentile(histogram: Uint32Array, count: number, q: number, maxMs: number): number {
  if (count === 0) return 0;
  const rank = Math.ceil(q * count);
  let seen = 0;
  for (let index = 0; index < histogram.length; index++) {
    seen += histogram[index]!;
    if (seen >= rank) return Math.min(LATENCY_BOUNDS_MS[index] ?? maxMs, maxMs);
  }
  return maxMs;
}

/** A ring of the last 15 minutes in 10-second intervals; `now` is injectable for tests. */
export function createRecentRequests(now: () => number = Date.now): RecentRequests {
  const intervalMs = RECENT_INTERVAL_SECONDS * 1000;
  const since = new Date(now()).toISOString();
  const slots: Slot[] = Array.from({ length: SLOTS }, () => ({
    interval: -1,
    requests: 0,
    errors: 0,
    clientErrors: 0,
    maxMs: 0,
    histogram: new Uint32Array(LATENCY_BOUNDS_MS.length + 1),
  }));

  const slotFor = (interval: number): Slot => {
    const slot = slots[interval % SLOTS]!;
    if (slot.interval !== interval) {
      slot.interval = interval;
      slot.requests = slot.errors = slot.clientErrors = slot.maxMs = 0;
      slot.histogram.fill(0);
    }
    return slot;
  };

  return {
    record(statusCode, elapsedMs) {
      const slot = slotFor(Math.floor(now() / intervalMs));
      slot.requests++;
      if (statusCode >= 500) slot.errors++;
      else if (statusCode >= 400) slot.clientErrors++;
      if (elapsedMs > slot.maxMs) slot.maxMs = elapsedMs;
      let index = LATENCY_BOUNDS_MS.findIndex((bound) => elapsedMs <= bound);
      if (index === -1) index = LATENCY_BOUNDS_MS.length;
      slot.histogram[index]!++;
    },
    report() {
      const current = Math.floor(now() / intervalMs);
      const buckets: RecentBucket[] = [];
      for (let interval = current - SLOTS + 1; interval <= current; interval++) {
        const slot = slots[interval % SLOTS]!;
        const live = slot.interval === interval;
        const requests = live ? slot.requests : 0;
        const maxMs = live ? round(slot.maxMs) : 0;
        buckets.push({
          start: new Date(interval * intervalMs).toISOString(),
          requests,
          errors: live ? slot.errors : 0,
          clientErrors: live ? slot.clientErrors : 0,
          p50Ms: live ? round(percentile(slot.histogram, requests, 0.5, slot.maxMs)) : 0,
          p95Ms: live ? round(percentile(slot.histogram, requests, 0.95, slot.maxMs)) : 0,
          maxMs,
        });
      }
      return { intervalSeconds: RECENT_INTERVAL_SECONDS, windowSeconds: RECENT_WINDOW_SECONDS, since, buckets };
    },
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
