// The audit log service on a real SQLite store: group commits of the entries written on their
// own, paging through cursors, retention as a recurring job, and background work that a request
// starts, which must not carry the request's entry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditDraft, runInAuditScope, type AuditBase } from '../core/audit-scope.js';
import { manualClock, toIso } from '../core/clock.js';
import { ulidGenerator } from '../core/ids.js';
import type { Jobs, RecurringJob, Storage } from '../core/ports.js';
import type { AuditEntry } from '../core/types.js';
import { createJobs, runRecurring } from '../jobs/index.js';
import { createSqliteStorage } from '../storage/sqlite/index.js';
import { until } from '../../test/support/until.js';
import { createAuditLog } from './audit-log.js';

const DAY = 86_400_000;
const silent = pino({ level: 'silent' });
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setUp(options: { retentionDays?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'memos-audit-'));
  const clock = manualClock();
  const ids = ulidGenerator(clock);
  const storage: Storage = createSqliteStorage({ path: join(dir, 'memos.db'), clock, ids, synchronous: 'normal' });
  await storage.init();
  const scheduled: RecurringJob[] = [];
  const real = createJobs({ vectors: storage.vectors, clock });
  // Jobs whose rounds the test runs by hand, so that time is the manual clock's.
  const jobs: Jobs = { ...real, schedule: (job) => (scheduled.push(job), { running: false, nudge: () => undefined, stop: async () => undefined }) };
  const audit = createAuditLog({ store: storage.audit, jobs, clock, ids, logger: silent, retentionDays: options.retentionDays ?? 90 });
  cleanup.push(async () => {
    await audit.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
    ...audit.stamp(), action: 'memories.upsert', method: 'POST', route: '/api/v1/memories', namespace: 'ns1', outcome: 'ok', status: 201, requestId: 'r', ...overrides,
  });
  return { storage, clock, audit, scheduled, entry };
}

describe('the audit log', () => {
  it('writes entries recorded at once in few transactions, and all of them', async () => {
    const { storage, audit, entry } = await setUp();
    let appends = 0;
    const append = storage.audit.append.bind(storage.audit);
    storage.audit.append = (entries) => (appends++, append(entries));
    for (let i = 0; i < 50; i++) audit.record(entry({ requestId: `r${i}` }));
    await audit.flush();
    expect((await audit.list({ filter: {}, limit: 100 })).items).toHaveLength(50);
    // The first alone (nothing was being written), then all that waited meanwhile.
    expect(appends).toBe(2);
  });

  it('pages with opaque cursors, and refuses one it did not issue', async () => {
    const { audit, entry, clock } = await setUp();
    for (let i = 0; i < 5; i++) {
      audit.record(entry());
      clock.advance(1000);
    }
    await audit.flush();
    const first = await audit.list({ filter: {}, limit: 3 });
    const second = await audit.list({ filter: {}, limit: 3, cursor: first.nextCursor! });
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
    expect(first.items[0]!.time > first.items[2]!.time).toBe(true);
    await expect(audit.list({ filter: {}, limit: 3, cursor: 'bogus' })).rejects.toMatchObject({ code: 'E_VALIDATION' });
  });

  it('removes entries past the retention period in a recurring job, and keeps the rest', async () => {
    const { audit, scheduled, entry, clock } = await setUp({ retentionDays: 30 });
    const old = entry();
    audit.record(old);
    clock.advance(20 * DAY);
    const recent = entry();
    audit.record(recent);
    await audit.flush();
    audit.startRetention();
    expect(scheduled).toHaveLength(1);
    const [job] = scheduled as [RecurringJob];
    expect(await job.round()).toBe(false);
    expect((await audit.list({ filter: {}, limit: 10 })).items.map((e) => e.id)).toEqual([recent.id, old.id]);
    clock.advance(11 * DAY);
    expect(await job.round()).toBe(false);
    expect((await audit.list({ filter: {}, limit: 10 })).items.map((e) => e.id)).toEqual([recent.id]);
  });

  it('keeps every entry with a retention of 0 days: no job runs', async () => {
    const { audit, scheduled } = await setUp({ retentionDays: 0 });
    audit.startRetention();
    expect(scheduled).toEqual([]);
  });

  it('prunes a large backlog in rounds that follow each other at once', async () => {
    const { storage, audit, scheduled, entry, clock } = await setUp({ retentionDays: 1 });
    await storage.audit.append(Array.from({ length: 1500 }, () => entry()));
    clock.advance(2 * DAY);
    audit.startRetention();
    const [job] = scheduled as [RecurringJob];
    expect(await job.round()).toBe(true);
    expect(await job.round()).toBe(false);
    expect((await audit.list({ filter: {}, limit: 10 })).items).toEqual([]);
  });
});

describe('background work a request starts', () => {
  it('runs outside the request: its writes do not carry the request’s entry', async () => {
    const { storage, audit, clock } = await setUp();
    const base: AuditBase = { ...audit.stamp(), action: 'reindex.start', method: 'POST', route: '/api/v1/admin/reindex', requestId: 'r1' };
    const draft = new AuditDraft(base);
    let wrote = false;
    const job = runInAuditScope(draft, () =>
      runRecurring({
        name: 'test',
        idleMs: 60_000,
        round: async () => {
          if (!wrote) {
            await storage.episodes.append([
              { id: 'ep_bg', namespace: 'ns1', kind: 'observation', content: 'x', occurredAt: toIso(clock.now()), createdAt: toIso(clock.now()), metadata: {}, embedding: { status: 'none' } },
            ]);
            wrote = true;
          }
          return false;
        },
        onError: () => undefined,
      }),
    );
    await until(() => wrote);
    await job.stop();
    expect(draft.written).toBe(false);
    expect((await audit.list({ filter: {}, limit: 10 })).items).toEqual([]);
  });
});
