// The export round trip across modes: a namespace with every tier exports from SQLite, imports into
// a fresh SQLite and into PostgreSQL (+ Redis), exports again from each; the PostgreSQL copy's
// export imports back into a fresh PostgreSQL and a fresh SQLite. Every export equals the first
// apart from the header's exportedAt, and search answers the same top 10 for 50 queries on each
// copy as on the memOS of the same mode it came from.
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { postgresReachable } from '../../src/storage/postgres/test-databases.js';
import type { TestMemos } from '../support/test-memos.js';
import { haveModel } from '../support/test-model.js';
import { embeddedAll, plantEveryTier, QUERIES, startMemosOf, type Kind } from '../support/transfer-fixture.js';

const NS = 'round-trip';
const clock = manualClock(Date.parse('2026-03-01T09:00:00.000Z'));
const started: TestMemos[] = [];
afterAll(async () => {
  for (const memos of started) await memos.close();
});

const start = async (kind: Kind) => {
  const memos = await startMemosOf(kind, clock);
  started.push(memos);
  return memos;
};

async function exportOf(memos: TestMemos): Promise<string> {
  const response = await memos.request({ method: 'GET', url: `/api/v1/export?namespace=${NS}&withVectors=true` });
  expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
  return response.body;
}

async function importInto(memos: TestMemos, body: string) {
  const response = await memos.request({ method: 'POST', url: `/api/v1/import?namespace=${NS}`, headers: { 'content-type': 'application/x-ndjson' }, payload: body });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json() as { sessions: { created: number }; episodes: { created: number; unchanged: number }; memories: { created: number; unchanged: number }; vectors: { stored: number; pending: number } };
}

/** The export without its header's exportedAt. */
const comparable = (text: string) => text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":"-"');

async function topTens(memos: TestMemos): Promise<string[][]> {
  const answers: string[][] = [];
  for (const query of QUERIES) {
    const found = await memos.json('POST', '/api/v1/search', { namespace: NS, query, mode: 'hybrid', limit: 10 });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.mode).toBe('hybrid');
    answers.push((found.body.hits as Array<{ type: string; id: string }>).map((hit) => `${hit.type}:${hit.id}`));
  }
  return answers;
}

const services = (await postgresReachable()) || process.env.MEMOS_REQUIRE_SERVICES === '1';

describe('export and import round trip', () => {
  it.skipIf(!haveModel || !services)('keeps every tier byte for byte across SQLite and PostgreSQL, and search answers the same', async () => {
    const source = await start('sqlite');
    await plantEveryTier(source, NS, clock);
    await embeddedAll(source);
    const first = await exportOf(source);
    const lines = first.trimEnd().split('\n').map((line) => JSON.parse(line));
    // Every tier, with history, vectors, several users, unicode.
    const types = lines.map((line) => line.type);
    expect(types[0]).toBe('header');
    expect(types.at(-1)).toBe('end');
    expect(lines.at(-1).counts).toEqual({ sessions: 3, episodes: types.filter((t) => t === 'episode').length, memories: types.filter((t) => t === 'memory').length });
    expect(lines.some((line) => line.type === 'episode' && line.kind === 'intervention' && line.outcome === 'task_completed')).toBe(true);
    expect(lines.some((line) => line.type === 'memory' && line.history.length >= 2)).toBe(true);
    expect(lines.filter((line) => line.type === 'memory' || line.type === 'episode').every((line) => line.vector?.dimensions === 128)).toBe(true);
    expect(new Set(lines.map((line) => line.userId).filter(Boolean))).toEqual(new Set(['alice', 'bob', 'carol', 'dana']));
    for (const text of ['東京', 'שלום', 'مرحبا', 'cafe\u0301', '🏃‍♀️']) expect(first).toContain(text);
    const before = await topTens(source);
    expect(before.filter((hits) => hits.length > 0).length).toBeGreaterThan(45);

    // SQLite → SQLite and SQLite → PostgreSQL.
    const sqliteCopy = await start('sqlite');
    const postgresCopy = await start('postgres');
    for (const copy of [sqliteCopy, postgresCopy]) {
      const summary = await importInto(copy, first);
      expect(summary.vectors.pending).toBe(0);
      expect(comparable(await exportOf(copy))).toBe(comparable(first));
    }
    expect(await topTens(sqliteCopy)).toEqual(before);

    // PostgreSQL → PostgreSQL and PostgreSQL → SQLite.
    const fromPostgres = await exportOf(postgresCopy);
    const postgresBefore = await topTens(postgresCopy);
    const postgresAgain = await start('postgres');
    const sqliteAgain = await start('sqlite');
    for (const copy of [postgresAgain, sqliteAgain]) {
      await importInto(copy, fromPostgres);
      expect(comparable(await exportOf(copy))).toBe(comparable(first));
    }
    expect(await topTens(postgresAgain)).toEqual(postgresBefore);
    expect(await topTens(sqliteAgain)).toEqual(before);

    // Importing the same file again changes nothing.
    const again = await importInto(sqliteAgain, fromPostgres);
    expect(again.episodes.created + again.memories.created + again.sessions.created).toBe(0);
    expect(again.memories.unchanged).toBe(lines.filter((line) => line.type === 'memory').length);
    expect(comparable(await exportOf(sqliteAgain))).toBe(comparable(first));
  }, 180_000);
});
