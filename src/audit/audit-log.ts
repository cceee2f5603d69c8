import type { Logger } from 'pino';
import { toIso, type Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { AuditStore, Jobs, ScheduledJob } from '../core/ports.js';
import type { AuditEntry, AuditFilter } from '../core/types.js';
import type { ListOutput } from '../memory/paging.js';
import { collapseRepeatedLogs } from '../observability/repeated-logs.js';

export interface AuditLogOptions {
  store: AuditStore;
  jobs: Jobs;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Days an entry is kept; 0 keeps every entry. */
  retentionDays: number;
  /** Entries waiting to be written at most; beyond it new ones go to the log line only (default 10 000). */
  maxQueued?: number;
}

export interface AuditListInput {
  filter: AuditFilter;
  limit: number;
  cursor?: string;
}

const DAY_MS = 86_400_000;
/** Entries removed per retention round; rounds follow at once while each removes this many. */
const PRUNE_BATCH = 1000;
/** Pause between retention rounds once nothing is left to remove. */
const RETENTION_IDLE_MS = 3_600_000;

/**
 * The audit log as the HTTP layer uses it. Entries that no transaction of their request wrote
 * (denials, failures, changes outside SQL such as Redis sessions and caches) are queued and written
 * in group commits: one transaction for all that arrived while the previous one was being written,
 * so that a burst of refused requests costs few writes. Retention runs as a recurring job.
 */
export function createAuditLog({ store, jobs, clock, ids, logger, retentionDays, maxQueued = 10_000 }: AuditLogOptions) {
  const queue: AuditEntry[] = [];
  let writing: Promise<void> | undefined;
  let retention: ScheduledJob | undefined;
  const failures = collapseRepeatedLogs();

  const lost = (count: number, reason: string, error?: unknown) =>
    failures.log(
      reason,
      () => logger.warn({ err: error, lost: count }, `audit entries not stored (${reason}); their audit log lines are the record`),
      (repeated, seconds) => logger.warn({ repeated, seconds }, `audit entries not stored (${reason}); their audit log lines are the record`),
    );

  const kick = () => {
    writing ??= drain().finally(() => {
      writing = undefined;
      // An entry queued after the last look, while this drain was ending.
      if (queue.length > 0) kick();
    });
  };

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        await store.append(batch);
      } catch (error) {
        lost(batch.length, 'the store failed', error);
      }
    }
  }

  return {
    /** The id and time of a new entry. */
    stamp(): { id: string; time: string } {
      return { id: ids.next('aud'), time: toIso(clock.now()) };
    },

    /** Queues an entry to be written on its own, soon; never throws. */
    record(entry: AuditEntry): void {
      if (queue.length >= maxQueued) {
        lost(1, 'too many waiting');
        return;
      }
      queue.push(entry);
      kick();
    },

    /** Waits until every entry queued so far is written (or given up). */
    async flush(): Promise<void> {
      while (writing !== undefined) await writing;
    },

    /** Entries newest first, filtered, a page at a time. */
    async list({ filter, limit, cursor }: AuditListInput): Promise<ListOutput<AuditEntry>> {
      const page = await store.list({ filter, limit, ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }) });
      return { items: page.items, ...(page.next === undefined ? {} : { nextCursor: encodeCursor(page.next) }) };
    },

    /** Removes entries older than the retention period, from now on, in the background; none with 0 days. */
    startRetention(): void {
      if (retentionDays === 0 || retention !== undefined) return;
      retention = jobs.schedule({
        name: 'audit retention',
        idleMs: RETENTION_IDLE_MS,
        round: async () => {
          const removed = await store.prune({ before: toIso(clock.now() - retentionDays * DAY_MS), limit: PRUNE_BATCH });
          if (removed > 0) logger.info({ removed, retentionDays }, 'audit entries past their retention removed');
          return removed === PRUNE_BATCH;
        },
        onError: (error) =>
          failures.log(
            'retention',
            () => logger.warn({ err: error }, 'audit retention round failed'),
            (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, 'audit retention round failed'),
          ),
      });
    },

    /** Stops retention and writes what is queued. */
    async close(): Promise<void> {
      await retention?.stop();
      retention = undefined;
      while (writing !== undefined) await writing;
      failures.flush();
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
