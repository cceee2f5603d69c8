import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

const ADMIN = 'an-admin-key-for-freshness-tests-0123456789';
const DAY = 86_400_000;

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
async function call(method: 'GET' | 'POST' | 'PATCH', url: string, key = ADMIN, payload?: object): Promise<{ status: number; body: any }> {
  const response = await memos!.request({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.body === '' ? undefined : response.json() };
}

async function write(content: string, userId = 'alice', kind = 'fact'): Promise<{ id: string; action: string; version: number }> {
  const written = await call('POST', '/api/v1/memories', ADMIN, { namespace: 'team', userId, memories: [{ content, kind }] });
  expect(written.status).toBeLessThan(300);
  return written.body.results[0];
}

describe('freshness over HTTP', () => {
  it('raises lastConfirmedAt on an unchanged rewrite, a merge, a content update and a confirm; never adds a version for the first and the last', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN }, clock);
    const { id } = await write('Aisha lives in Lagos');
    const at = () => new Date(clock.now()).toISOString();
    const created = await call('GET', `/api/v1/memories/${id}?namespace=team`);
    expect(created.body).toMatchObject({ version: 1, createdAt: at(), lastConfirmedAt: at() });

    clock.advance(DAY);
    expect(await write('aisha lives in LAGOS.')).toEqual({ id, action: 'unchanged', version: 1 });
    const restated = await call('GET', `/api/v1/memories/${id}?namespace=team`);
    expect(restated.body).toMatchObject({ version: 1, updatedAt: created.body.updatedAt, lastConfirmedAt: at() });
    expect((await call('GET', `/api/v1/memories/${id}/history?namespace=team`)).body.versions).toEqual([]);

    clock.advance(DAY);
    const merged = await call('POST', '/api/v1/memories', ADMIN, { namespace: 'team', userId: 'alice', memories: [{ content: 'Aisha lives in Lagos', importance: 0.9 }] });
    expect(merged.body.results[0]).toEqual({ id, action: 'merged', version: 2 });
    expect((await call('GET', `/api/v1/memories/${id}?namespace=team`)).body).toMatchObject({ version: 2, lastConfirmedAt: at() });

    clock.advance(DAY);
    const reweighed = await call('PATCH', `/api/v1/memories/${id}`, ADMIN, { namespace: 'team', importance: 0.4 });
    expect(reweighed.body).toMatchObject({ version: 3, updatedAt: at(), lastConfirmedAt: new Date(clock.now() - DAY).toISOString() });
    const restatedByPerson = await call('PATCH', `/api/v1/memories/${id}`, ADMIN, { namespace: 'team', content: 'Aisha lives in Lagos, Nigeria' });
    expect(restatedByPerson.body).toMatchObject({ version: 4, lastConfirmedAt: at() });

    clock.advance(DAY);
    const confirmed = await call('POST', `/api/v1/memories/${id}/confirm?namespace=team`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ id, version: 4, content: 'Aisha lives in Lagos, Nigeria', lastConfirmedAt: at() });
    // An empty JSON body, or one naming the namespace, is as good as none.
    clock.advance(1000);
    expect((await call('POST', `/api/v1/memories/${id}/confirm`, ADMIN, { namespace: 'team' })).body.lastConfirmedAt).toBe(at());
    expect((await call('POST', `/api/v1/memories/${id}/confirm?namespace=team`, ADMIN, {})).status).toBe(200);
    expect((await call('POST', `/api/v1/memories/${id}/confirm?namespace=team`, ADMIN, { content: 'x' })).status).toBe(400);
    expect((await call('GET', `/api/v1/memories/${id}/history?namespace=team`)).body.currentVersion).toBe(4);
  });

  it('confirms only what the key reaches: another user’s memory, another namespace or a missing id is a 404', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    const mine = await write('Alice likes jazz', 'alice');
    const theirs = await write('Bob likes jazz', 'bob');
    const made = await call('POST', '/api/v1/admin/keys', ADMIN, { role: 'write', namespaces: ['team'], userId: 'alice' });
    const alice = made.body.key as string;
    const reader = (await call('POST', '/api/v1/admin/keys', ADMIN, { role: 'read', namespaces: ['team'] })).body.key as string;

    expect((await call('POST', `/api/v1/memories/${mine.id}/confirm?namespace=team`, alice)).status).toBe(200);
    const foreign = await call('POST', `/api/v1/memories/${theirs.id}/confirm?namespace=team`, alice);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain('Bob');
    expect((await call('POST', `/api/v1/memories/${mine.id}/confirm?namespace=other`)).status).toBe(404);
    expect((await call('POST', '/api/v1/memories/mem_01JQ8Z6V4K2N7R5T9W3X1Y0B8C/confirm?namespace=team')).status).toBe(404);
    expect((await call('POST', `/api/v1/memories/${mine.id}/confirm?namespace=team`, reader)).status).toBe(403);

    const audit = await call('GET', '/api/v1/admin/audit?action=memories.confirm');
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((entry: { recordIds?: string[]; outcome?: string }) => entry.recordIds ?? [])).toContainEqual([mine.id]);
  });

  it('marks memories past their kind’s review period stale in search and context, and a cached answer never outlives the moment one goes stale', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN, MEMOS_REVIEW_DAYS: 'fact=30' }, clock);
    const fact = await write('Aisha lives in Lagos');
    await write('Aisha likes jollof rice from Lagos', 'alice', 'preference');
    const search = () => call('POST', '/api/v1/search', ADMIN, { namespace: 'team', query: 'Aisha Lagos', mode: 'keyword' });
    const flags = (body: { hits: Array<{ id: string; stale: boolean; item: { kind: string } }> }) => Object.fromEntries(body.hits.map((hit) => [hit.item.kind, hit.stale]));

    clock.advance(30 * DAY - 1000);
    const fresh = await search();
    expect(flags(fresh.body)).toEqual({ fact: false, preference: false });
    expect((await search()).body.cached).toBe(true);
    // One second later the fact is 30 days old: the cached answer, which calls it fresh, is not served.
    clock.advance(1000);
    const due = await search();
    expect(due.body.cached).toBe(false);
    expect(flags(due.body)).toEqual({ fact: true, preference: false });
    expect(due.body.hits.find((hit: { id: string }) => hit.id === fact.id).item.lastConfirmedAt).toBe('2026-01-01T00:00:00.000Z');

    const context = await call('POST', '/api/v1/context', ADMIN, { namespace: 'team', query: 'Aisha Lagos' });
    expect(context.status).toBe(200);
    expect(context.body.memories.map((hit: { id: string; stale: boolean }) => [hit.id === fact.id, hit.stale])).toEqual(expect.arrayContaining([[true, true], [false, false]]));
    expect(context.body.text).toContain('- (fact, last confirmed 2026-01-01: may be out of date) Aisha lives in Lagos');
    expect(context.body.text).toContain('- (preference) Aisha likes jollof rice from Lagos');
    // Without a query, memories are still marked.
    const recent = await call('POST', '/api/v1/context', ADMIN, { namespace: 'team' });
    expect(recent.body.memories.find((hit: { id: string }) => hit.id === fact.id).stale).toBe(true);

    // Confirming makes it fresh again at once: the write moved the namespace's cache version.
    expect((await call('POST', `/api/v1/memories/${fact.id}/confirm?namespace=team`)).status).toBe(200);
    const confirmed = await search();
    expect(confirmed.body.cached).toBe(false);
    expect(flags(confirmed.body)).toEqual({ fact: false, preference: false });
    expect((await call('POST', '/api/v1/context', ADMIN, { namespace: 'team', query: 'Aisha Lagos' })).body.text).not.toContain('may be out of date');

    // Writing the same fact again confirms it too, even though nothing else changes.
    clock.advance(31 * DAY);
    expect(flags((await search()).body).fact).toBe(true);
    expect(await write('Aisha lives in Lagos')).toEqual({ id: fact.id, action: 'unchanged', version: 1 });
    const restated = await search();
    expect(restated.body.cached).toBe(false);
    expect(flags(restated.body).fact).toBe(false);
  });

  it('says on every read of a memory whether it is stale: by id, listed, and after a PATCH, a confirm and a retraction', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN, MEMOS_REVIEW_DAYS: 'fact=30' }, clock);
    const fact = await write('Aisha lives in Lagos');
    const preference = await write('Aisha likes jollof rice', 'alice', 'preference');
    const staleOf = async () => {
      const listed = (await call('GET', '/api/v1/memories?namespace=team')).body.items as Array<{ id: string; stale: boolean }>;
      const one = (await call('GET', `/api/v1/memories/${fact.id}?namespace=team`)).body.stale;
      return { one, listed: Object.fromEntries(listed.map((memory) => [memory.id === fact.id ? 'fact' : 'preference', memory.stale])) };
    };
    expect(await staleOf()).toEqual({ one: false, listed: { fact: false, preference: false } });
    clock.advance(31 * DAY);
    // Only facts have a review period here: the preference never goes stale.
    expect(await staleOf()).toEqual({ one: true, listed: { fact: true, preference: false } });
    expect((await call('PATCH', `/api/v1/memories/${fact.id}`, ADMIN, { namespace: 'team', importance: 0.3 })).body.stale).toBe(true);
    expect((await call('POST', `/api/v1/memories/${fact.id}/confirm?namespace=team`)).body.stale).toBe(false);
    clock.advance(31 * DAY);
    expect((await call('POST', `/api/v1/memories/${preference.id}/retract?namespace=team`)).body.stale).toBe(false);
    expect((await call('POST', `/api/v1/memories/${fact.id}/retract?namespace=team`)).body.stale).toBe(true);
  });

  it('marks nothing stale without review periods, however old', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN }, clock);
    await write('Aisha lives in Lagos');
    clock.advance(3650 * DAY);
    const found = await call('POST', '/api/v1/search', ADMIN, { namespace: 'team', query: 'Aisha Lagos', mode: 'keyword' });
    expect(found.body.hits.map((hit: { stale: boolean }) => hit.stale)).toEqual([false]);
    expect((await call('POST', '/api/v1/context', ADMIN, { namespace: 'team', query: 'Aisha' })).body.text).not.toContain('may be out of date');
  });
});
