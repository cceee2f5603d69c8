// Export and import on the test backend (SQLite, or PostgreSQL and Redis in the server project):
// idempotent imports, per-line refusals with atomic batches, a cut file, and ids across namespaces.
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, testBackend, type TestMemos } from '../../../test/support/test-memos.js';

const started: TestMemos[] = [];
afterEach(async () => {
  for (const memos of started.splice(0)) await memos.close();
});
const start = async () => {
  const memos = await startTestMemos();
  started.push(memos);
  return memos;
};

const exportOf = async (memos: TestMemos, namespace: string, query = '') => {
  const response = await memos.request({ method: 'GET', url: `/api/v1/export?namespace=${namespace}${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
};
const importInto = (memos: TestMemos, namespace: string, body: string, contentType = 'application/x-ndjson') =>
  memos.request({ method: 'POST', url: `/api/v1/import?namespace=${namespace}`, headers: { 'content-type': contentType }, payload: body });
const comparable = (text: string) => text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"-"');

const header = (namespace = 'src') =>
  JSON.stringify({ type: 'header', format: 'memos-export', version: 1, memosVersion: '0.0.0', exportedAt: '2026-05-01T00:00:00.000Z', embedder: null, filters: { namespace }, withVectors: false });
const episodeLine = (i: number) =>
  JSON.stringify({ type: 'episode', id: `ep-import-${String(i).padStart(4, '0')}`, userId: 'u1', kind: 'observation', content: `Imported event number ${i} 🌍`, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), createdAt: '2026-02-01T00:00:00.000Z', metadata: { i } });
const fileOf = (lines: string[], episodes: number) => [header(), ...lines, JSON.stringify({ type: 'end', counts: { sessions: 0, episodes, memories: 0 } })].join('\n') + '\n';

async function plant(memos: TestMemos, namespace: string) {
  await memos.json('POST', '/api/v1/episodes', { namespace, userId: 'u1', episodes: [{ kind: 'intervention', content: 'Restarted the worker ⚙️', task: 'recover', outcome: 'task_completed' }, { kind: 'message', role: 'user', content: 'שלום, 你好' }] });
  const written = await memos.json('POST', '/api/v1/memories', { namespace, userId: 'u2', memories: [{ content: 'Prefers green tea 🍵', metadata: { b: 1, a: 2 } }, { content: 'Lives in Zürich' }] });
  await memos.json('PATCH', `/api/v1/memories/${written.body.ids[0]}?namespace=${namespace}`, { content: 'Prefers jasmine tea 🍵' });
  await memos.json('PUT', `/api/v1/sessions/chat-1?namespace=${namespace}`, { userId: 'u1', messages: [{ role: 'user', content: 'Bonjour 👋' }], state: { step: 2 } });
}

describe('export and import', () => {
  it('carries lastConfirmedAt, and imports a file written before it with updatedAt in its place', async () => {
    const clock = manualClock();
    const source = await startTestMemos({}, clock);
    started.push(source);
    const written = await source.json('POST', '/api/v1/memories', { namespace: 'src', userId: 'u1', memories: [{ content: 'Aisha lives in Lagos' }] });
    clock.advance(86_400_000);
    await source.json('POST', `/api/v1/memories/${written.body.ids[0]}/confirm?namespace=src`);
    const exported = await exportOf(source, 'src');
    const line = JSON.parse(exported.split('\n').find((text) => text.includes('Lagos'))!);
    expect(line).toMatchObject({ updatedAt: '2026-01-01T00:00:00.000Z', lastConfirmedAt: '2026-01-02T00:00:00.000Z' });

    const target = await start();
    expect((await importInto(target, 'src', exported)).statusCode).toBe(201);
    expect((await target.json('GET', `/api/v1/memories/${line.id}?namespace=src`)).body.lastConfirmedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(comparable(await exportOf(target, 'src'))).toBe(comparable(exported));

    // A file from before freshness: no lastConfirmedAt on its memory lines.
    const older = exported.replace(/,"lastConfirmedAt":"[^"]+"/g, '');
    expect(older).not.toContain('lastConfirmedAt');
    const legacy = await start();
    expect((await importInto(legacy, 'src', older)).statusCode).toBe(201);
    expect((await legacy.json('GET', `/api/v1/memories/${line.id}?namespace=src`)).body.lastConfirmedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('carries every field of truth maintenance, and imports a version-1 line with its session as the source session', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const memory = (id: string, fields: Record<string, unknown>) => ({
      type: 'memory', id, userId: 'u1', kind: 'fact', content: `Memory ${id}`, importance: 0.5, metadata: {}, sourceEpisodeIds: [],
      sourceSessionIds: ['s1', 's2'], version: 1, createdAt: at(1), updatedAt: at(1), lastConfirmedAt: at(1), ...fields, history: [],
    });
    // In the order export writes the keys.
    const lagos = memory('mem-lagos', { key: 'home_city', validFrom: at(0), validTo: at(5), supersedes: [], supersededBy: 'mem-nairobi', supersessionReason: 'key', conflicts: [] });
    const nairobi = memory('mem-nairobi', {
      key: 'home_city', validFrom: at(5), supersedes: ['mem-lagos'],
      conflicts: [{ memoryId: 'mem-nuts', reason: 'negation flip', source: 'detector', similarity: 0.8, at: at(5) }],
    });
    const nuts = memory('mem-nuts', { validFrom: at(1), validTo: at(3), supersedes: [], retractedAt: at(4), retractionReason: 'a mix-up', conflicts: [] });
    const lines = [lagos, nairobi, nuts].map((line) => JSON.stringify(line));
    const file = [header().replace('"version":1', '"version":2'), ...lines, JSON.stringify({ type: 'end', counts: { sessions: 0, episodes: 0, memories: 3 } })].join('\n') + '\n';
    const memos = await start();
    const imported = await importInto(memos, 'src', file);
    expect(imported.statusCode, imported.body).toBe(201);
    const exported = (await exportOf(memos, 'src')).trim().split('\n');
    expect(JSON.parse(exported[0]!)).toMatchObject({ format: 'memos-export', version: 2 });
    expect(exported.slice(1, 4)).toEqual(lines);

    // A line written before truth maintenance: a sessionId, and none of the new fields.
    const v1 = JSON.stringify({ type: 'memory', id: 'mem-old', userId: 'u1', sessionId: 's9', kind: 'fact', content: 'Old memory', importance: 0.5, metadata: {}, sourceEpisodeIds: [], version: 1, createdAt: at(2), updatedAt: at(2), history: [] });
    const legacy = await importInto(memos, 'old', [header('old'), v1, JSON.stringify({ type: 'end', counts: { sessions: 0, episodes: 0, memories: 1 } })].join('\n') + '\n');
    expect(legacy.statusCode, legacy.body).toBe(201);
    const old = JSON.parse((await exportOf(memos, 'old')).trim().split('\n')[1]!);
    expect(old).toMatchObject({ id: 'mem-old', sourceSessionIds: ['s9'], validFrom: at(2), lastConfirmedAt: at(2), supersedes: [], conflicts: [] });
    expect(old).not.toHaveProperty('sessionId');
    expect(old).not.toHaveProperty('validTo');
  });

  it('round-trips a namespace into another memOS, and importing the same file twice changes nothing', async () => {
    const source = await start();
    await plant(source, 'src');
    const exported = await exportOf(source, 'src');
    const target = await start();
    const first = await importInto(target, 'src', exported);
    expect(first.statusCode, first.body).toBe(201);
    // Two memories, and the reflection the intervention's outcome keeps in its task's slot.
    expect(first.json()).toMatchObject({ sessions: { created: 1, unchanged: 0 }, episodes: { created: 2, unchanged: 0 }, memories: { created: 3, unchanged: 0 } });
    expect(comparable(await exportOf(target, 'src'))).toBe(comparable(exported));
    const history = await target.json('GET', `/api/v1/memories/${JSON.parse(exported.split('\n').find((line) => line.includes('jasmine'))!).id}/history?namespace=src`);
    expect(history.body).toMatchObject({ currentVersion: 2, versions: [{ version: 1, content: 'Prefers green tea 🍵' }] });

    const second = await importInto(target, 'src', exported);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ sessions: { created: 0, unchanged: 1 }, episodes: { created: 0, unchanged: 2 }, memories: { created: 0, unchanged: 3 } });
    expect(comparable(await exportOf(target, 'src'))).toBe(comparable(exported));
    // One user's export holds only that user's records.
    const onlyU1 = (await exportOf(source, 'src', '&userId=u1')).trim().split('\n').map((line) => JSON.parse(line));
    expect(onlyU1.filter((line) => line.userId !== undefined).every((line) => line.userId === 'u1')).toBe(true);
    // u1's memory is the reflection its intervention's outcome keeps.
    expect(onlyU1.at(-1).counts).toEqual({ sessions: 1, episodes: 2, memories: 1 });
  });

  it('reports a bad line by number; its batch is not written, earlier batches stay, and the corrected file completes it', async () => {
    const memos = await start();
    const lines = Array.from({ length: 600 }, (_, i) => episodeLine(i));
    const bad = [...lines];
    bad[549] = bad[549]!.replace('"kind":"observation"', '"kind":"Not A Kind"'); // line 551 of the file
    const refused = await importInto(memos, 'dst', fileOf(bad, 600));
    expect(refused.statusCode).toBe(400);
    const problem = refused.json();
    expect(problem.errors).toEqual([expect.objectContaining({ line: 551, field: 'episode.kind' })]);
    expect(problem.detail).toMatch(/lines 1 to 501 were imported/);
    const after = (await exportOf(memos, 'dst')).trim().split('\n');
    expect(JSON.parse(after.at(-1)!).counts.episodes).toBe(500); // the first batch of 500, nothing of the second

    const fixed = await importInto(memos, 'dst', fileOf(lines, 600));
    expect(fixed.statusCode, fixed.body).toBe(201);
    expect(fixed.json().episodes).toEqual({ created: 100, unchanged: 500 });
  });

  it('refuses a cut file, a file whose counts differ, and a body that is not NDJSON, naming the line', async () => {
    const memos = await start();
    const cut = [header(), episodeLine(1)].join('\n');
    const noEnd = await importInto(memos, 'dst', cut);
    expect(noEnd.statusCode).toBe(400);
    expect(noEnd.json().errors[0]).toMatchObject({ line: 3, field: 'end' });
    expect(JSON.parse((await exportOf(memos, 'dst')).trim().split('\n').at(-1)!).counts.episodes).toBe(0);

    const miscounted = await importInto(memos, 'dst', fileOf([episodeLine(1)], 2));
    expect(miscounted.json().errors[0]).toMatchObject({ line: 3, field: 'end.counts.episodes' });
    const notJson = await importInto(memos, 'dst', `${header()}\n{oops\n`);
    expect(notJson.json().errors[0]).toMatchObject({ line: 2, field: 'line' });
    const noHeader = await importInto(memos, 'dst', `${episodeLine(1)}\n`);
    expect(noHeader.json().errors[0]).toMatchObject({ line: 1 });
    const json = await memos.json('POST', '/api/v1/import', { lines: [] });
    expect(json.status).toBe(415);
  });

  it('settles ids across namespaces: SQLite refuses an id another namespace holds, naming the line; PostgreSQL keeps ids per namespace', async () => {
    const memos = await start();
    const file = fileOf([episodeLine(7)], 1);
    expect((await importInto(memos, 'first', file)).statusCode).toBe(201);
    const other = await importInto(memos, 'second', file);
    if (testBackend === 'embedded') {
      expect(other.statusCode).toBe(409);
      expect(other.json().errors[0]).toMatchObject({ line: 2, field: 'episode.id' });
      expect(other.json().detail).toContain('ep-import-0007');
    } else {
      expect(other.statusCode).toBe(201);
    }
  });
});
