// The retention sweep in a real memOS (SQLite, or PostgreSQL and Redis in the server project): it
// removes what the rules and expiry say, counts it in /metrics, writes one audit entry per
// namespace and one log line (never any text), and search answers change at once, a cached
// answer included.
import { afterEach, describe, expect, it } from 'vitest';
import { logSink } from '../../../test/support/log-sink.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { until } from '../../../test/support/until.js';
import { manualClock } from '../../core/clock.js';

const DAY = 86_400_000;

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

/** A memOS whose first sweep (the one at start) has ended, so that the test's own sweeps are the only ones. */
async function start(...args: Parameters<typeof startTestMemos>): Promise<TestMemos> {
  memos = await startTestMemos(...args);
  const started = memos;
  await until(() => !started.services.retention.running);
  return started;
}

/** The value of one series in the /metrics text, or undefined when it is not there. */
function series(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('the retention sweep', () => {
  it('removes what the rules and expiry say, and counts it in metrics, the audit log and one log line', async () => {
    const clock = manualClock();
    const logs = logSink();
    const rules = [{ namespace: 'ns1', tier: 'episodes', maxAgeDays: 30 }];
    memos = await start({ MEMOS_RETENTION_RULES: JSON.stringify(rules), MEMOS_RETENTION_BATCH: '2', MEMOS_LOG_LEVEL: 'info' }, clock, undefined, logs.stream);
    const ago = (days: number) => new Date(clock.now() - days * DAY).toISOString();
    const write = async (namespace: string, occurredAt: string[]) => {
      const response = await memos!.json('POST', '/api/v1/episodes', { namespace, episodes: occurredAt.map((at, n) => ({ kind: 'observation', content: `secret wombat diary ${n}`, occurredAt: at })) });
      expect(response.status).toBe(201);
      return response.body.ids as string[];
    };
    const old = await write('ns1', [ago(60), ago(50), ago(40), ago(35), ago(31)]);
    const [young] = await write('ns1', [ago(5)]);
    const [elsewhere] = await write('ns2', [ago(60)]);
    const memory = await memos.json('POST', '/api/v1/memories', { namespace: 'ns1', memories: [{ content: 'secret wombat fact', expiresAt: new Date(clock.now() + DAY).toISOString() }] });
    const memoryId = memory.body.results[0].id as string;
    clock.advance(2 * DAY);

    const round = await memos.services.retention.runOnce();
    expect(round).toEqual({ episodes: { max_age: 5 }, memories: { max_age: 0, expired: 1 }, namespaces: ['ns1'], more: false });
    for (const id of old) expect((await memos.json('GET', `/api/v1/episodes/${id}?namespace=ns1`)).status).toBe(404);
    expect((await memos.json('GET', `/api/v1/memories/${memoryId}?namespace=ns1`)).status).toBe(404);
    expect((await memos.json('GET', `/api/v1/episodes/${young}?namespace=ns1`)).status).toBe(200);
    expect((await memos.json('GET', `/api/v1/episodes/${elsewhere}?namespace=ns2`)).status).toBe(200);
    // Nothing is left: a second sweep removes nothing and records nothing.
    expect(await memos.services.retention.runOnce()).toMatchObject({ episodes: { max_age: 0 }, memories: { max_age: 0, expired: 0 }, namespaces: [] });

    const metrics = (await memos.request({ method: 'GET', url: '/metrics' })).body;
    expect(series(metrics, 'memos_retention_removed_total', '{tier="episodes",reason="max_age"}')).toBe(5);
    expect(series(metrics, 'memos_retention_removed_total', '{tier="memories",reason="expired"}')).toBe(1);
    expect(series(metrics, 'memos_retention_last_sweep_timestamp_seconds')).toBe(clock.now() / 1000);

    await memos.services.audit.flush();
    const audit = await memos.json('GET', '/api/v1/admin/audit?keyId=system');
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    const [entry] = audit.body.items;
    expect(entry).toMatchObject({ action: 'retention.sweep', keyId: 'system', namespace: 'ns1', recordCount: 6, outcome: 'ok' });
    expect([...entry.recordIds].sort()).toEqual([...old, memoryId].sort());
    // The action filter knows the sweep's action too.
    const byAction = await memos.json('GET', '/api/v1/admin/audit?action=retention.sweep');
    expect(byAction.status).toBe(200);
    expect(byAction.body.items.map((item: { id: string }) => item.id)).toEqual([entry.id]);

    const lines = logs.lines.filter((line) => line.msg === 'retention sweep removed records');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, removed: { episodes: { max_age: 5 }, memories: { max_age: 0, expired: 1 } }, namespaces: 1 });
    expect(logs.raw()).not.toContain('wombat');
  });

  it.runIf(haveModel)('changes keyword and vector answers at once, a cached answer included', async () => {
    const clock = manualClock();
    const rules = [{ namespace: '*', tier: 'memories', kind: 'fact', maxAgeDays: 10 }];
    memos = await start({ MEMOS_RETENTION_RULES: JSON.stringify(rules), MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH }, clock);
    const written = await memos.json('POST', '/api/v1/memories', {
      namespace: 'ns1',
      memories: [
        { content: 'The quokka colony lives on Rottnest Island', kind: 'fact' },
        { content: 'Prefers quokka photos in the morning light', kind: 'preference' },
      ],
    });
    expect(written.status).toBe(201);
    const [fact, preference] = written.body.results.map((result: { id: string }) => result.id);
    const search = async (mode: 'keyword' | 'vector') => {
      const response = await memos!.json('POST', '/api/v1/search', { namespace: 'ns1', query: 'quokka island colony', mode, limit: 10 });
      expect(response.status).toBe(200);
      return { ids: response.body.hits.map((hit: { id: string }) => hit.id).sort(), cached: response.body.cached as boolean };
    };
    // Aged past the rule, and answered once, so that the answers are cached (within their TTL) when the sweep runs.
    clock.advance(11 * DAY);
    for (const mode of ['keyword', 'vector'] as const) expect((await search(mode)).ids).toEqual([fact, preference].sort());
    for (const mode of ['keyword', 'vector'] as const) expect(await search(mode)).toEqual({ ids: [fact, preference].sort(), cached: true });

    expect(await memos.services.retention.runOnce()).toMatchObject({ memories: { max_age: 1, expired: 0 }, namespaces: ['ns1'] });
    for (const mode of ['keyword', 'vector'] as const) expect(await search(mode)).toEqual({ ids: [preference], cached: false });
    expect((await memos.json('GET', `/api/v1/memories/${fact}/history?namespace=ns1`)).status).toBe(404);
  });
});
