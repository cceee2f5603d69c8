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
});
