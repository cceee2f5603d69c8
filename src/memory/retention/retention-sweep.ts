import type { Logger } from 'pino';
import { toIso, type Clock } from '../../core/clock.js';
import type { Jobs, RemovedRecord, RetentionStore, ScheduledJob } from '../../core/ports.js';
import type { AuditEntry, Tier } from '../../core/types.js';
import { collapseRepeatedLogs } from '../../observability/repeated-logs.js';
import { retentionTargets, type RetentionRule } from './retention-rules.js';

/** Why the sweep removed a record: past its rule's maximum age, or past its own `expiresAt` (memories). */
export type RetentionReason = 'max_age' | 'expired';

/** Where the sweep's counts go (Prometheus, see observability/metrics.ts). */
export interface RetentionMetrics {
  removed(tier: Tier, reason: RetentionReason, count: number): void;
  /** A sweep ended, at `atMs` (epoch ms). */
  swept(atMs: number): void;
}

export interface RetentionSweepOptions {
  /** Absent: the storage cannot sweep, and nothing runs. */
  store: RetentionStore | undefined;
  jobs: Jobs;
  clock: Clock;
  logger: Logger;
  rules: readonly RetentionRule[];
  /** Records per transaction. */
  batchSize: number;
  /** Pause between sweeps. */
  intervalMs: number;
  /** Makes the cached answers of these namespaces stale (their scope versions). */
  bump(namespaces: string[]): Promise<void>;
  /** The audit log: an entry per namespace of a sweep that removed something. */
  audit: { stamp(): { id: string; time: string }; record(entry: AuditEntry): void };
  metrics?: RetentionMetrics | undefined;
}

/** What one sweep removed. */
export interface RetentionRound {
  episodes: { max_age: number };
  memories: { max_age: number; expired: number };
  namespaces: string[];
  /** True when it stopped at its batch limit with more left: another follows at once. */
  more: boolean;
}

/** Batches one sweep runs at most before it lets the next one start (and writes its audit entries). */
const MAX_BATCHES_PER_ROUND = 100;
/** Record ids an audit entry names, of the many it may count. */
const AUDIT_IDS = 10;

/** Lets queued I/O (requests) run between two batches: the store calls of SQLite never leave the event loop. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Retention: a background sweep, scheduled through the Jobs port, that removes expired memories
 * (always) and the records past their rule's maximum age (retention-rules.ts), in batches of
 * `batchSize`, each one short transaction of the store. After each batch the cached answers of the
 * namespaces it touched go stale and the metrics count it; at the end of a sweep one log line gives
 * the counts and one audit entry per namespace names what went (never any text). In server mode
 * every replica sweeps; the store gives each batch one owner.
 */
export function createRetentionSweep(options: RetentionSweepOptions) {
  const { store, jobs, clock, logger, rules, batchSize, intervalMs, bump, audit, metrics } = options;
  const failures = collapseRepeatedLogs();
  let scheduled: ScheduledJob | undefined;

  /** Removes batch after batch of one kind of work until a batch comes back short or the round's budget is spent. */
  async function drain(remove: (limit: number) => Promise<RemovedRecord[]>, tier: Tier, reason: RetentionReason, round: Round): Promise<void> {
    while (round.batches < MAX_BATCHES_PER_ROUND) {
      await yieldToIo();
      round.batches += 1;
      const removed = await remove(batchSize);
      if (removed.length > 0) {
        const namespaces = [...new Set(removed.map((record) => record.namespace))];
        await bump(namespaces);
        metrics?.removed(tier, reason, removed.length);
        for (const record of removed) {
          const ids = round.byNamespace.get(record.namespace) ?? [];
          ids.push(record.id);
          round.byNamespace.set(record.namespace, ids);
        }
        (round.counts[tier] as Record<RetentionReason, number>)[reason] += removed.length;
      }
      if (removed.length < batchSize) return;
    }
    round.more = true;
  }

  interface Round {
    batches: number;
    more: boolean;
    counts: { episodes: { max_age: number }; memories: { max_age: number; expired: number } };
    byNamespace: Map<string, string[]>;
  }

  /** One audit entry per namespace and one log line, when the round removed anything. */
  function report(round: Round, started: number): void {
    if (round.byNamespace.size === 0) return;
    const namespaces = [...round.byNamespace.keys()].sort();
    for (const namespace of namespaces) {
      const ids = round.byNamespace.get(namespace)!;
      const { id, time } = audit.stamp();
      audit.record({
        id,
        time,
        // No API key asked for this: the system marker says memOS did it on its own.
        keyId: 'system',
        action: 'retention.sweep',
        method: 'SYSTEM',
        route: 'retention',
        namespace,
        recordIds: ids.slice(0, AUDIT_IDS),
        recordCount: ids.length,
        outcome: 'ok',
        requestId: `retention-${id}`,
      });
    }
    logger.info({ removed: round.counts, namespaces: namespaces.length, batches: round.batches, ms: clock.now() - started }, 'retention sweep removed records');
  }

  async function runOnce(): Promise<RetentionRound> {
    const round: Round = { batches: 0, more: false, counts: { episodes: { max_age: 0 }, memories: { max_age: 0, expired: 0 } }, byNamespace: new Map() };
    if (store === undefined) return { ...round.counts, namespaces: [], more: false };
    const started = clock.now();
    try {
      await drain((limit) => store.removeExpired({ now: toIso(started), limit }), 'memories', 'expired', round);
      for (const target of retentionTargets(rules, started)) {
        await drain((limit) => store.removeAged({ target, limit }), target.tier, 'max_age', round);
      }
      metrics?.swept(clock.now());
    } finally {
      // What was removed before a failure is recorded all the same.
      report(round, started);
    }
    const namespaces = [...round.byNamespace.keys()].sort();
    return { ...round.counts, namespaces, more: round.more };
  }

  return {
    /** True while a scheduled sweep runs (the first starts with `start`). */
    get running(): boolean {
      return scheduled?.running ?? false;
    },
    /** One sweep now (tests and operators); the scheduled job runs the same. */
    runOnce,
    /** Sweeps in the background from now on: at once, then every `intervalMs` (at once again while one stopped with more left). */
    start(): void {
      if (store === undefined || scheduled !== undefined) return;
      scheduled = jobs.schedule({
        name: 'retention sweep',
        idleMs: intervalMs,
        round: async () => (await runOnce()).more,
        onError: (error) =>
          failures.log(
            'sweep',
            () => logger.warn({ err: error }, 'retention sweep failed; retried at the next interval'),
            (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, 'retention sweep failed; retried at the next interval'),
          ),
      });
    },
    async stop(): Promise<void> {
      await scheduled?.stop();
      scheduled = undefined;
      failures.flush();
    },
  };
}

export type RetentionSweep = ReturnType<typeof createRetentionSweep>;
