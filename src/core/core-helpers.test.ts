import { describe, expect, it } from 'vitest';
import { EARLIEST_TIME_MS, LATEST_TIME_MS, manualClock, parseTime } from './clock.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ID_PATTERN, ulidGenerator } from './ids.js';
import { mergeMemory } from './memory-merge.js';
import { promoteMessages, splitWindow } from './session-window.js';
import { contentKey, keywordTerms, normaliseContent } from './text.js';
import type { Memory, Message } from './types.js';

describe('ids', () => {
  it('are valid client ids and strictly increase within one millisecond', () => {
    const clock = manualClock();
    const ids = ulidGenerator(clock);
    const made = Array.from({ length: 1000 }, () => ids.next('mem'));
    expect(made.every((id) => ID_PATTERN.test(id) && id.startsWith('mem_'))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(1000);
    clock.advance(1);
    expect(ids.next('mem') > made[999]!).toBe(true);
  });
});

describe('text', () => {
  it('normalises case, spacing, width and a final full stop for duplicate detection', () => {
    expect(normaliseContent('  Alice  likes\tTEA. ')).toBe('alice likes tea');
    expect(normaliseContent('ｆｕｌｌ width!')).toBe('full width');
    expect(contentKey('Alice likes tea.')).toBe(contentKey('alice likes tea'));
    expect(contentKey('Alice likes tea')).not.toBe(contentKey('Alice likes coffee'));
  });

  it('turns a query into distinct words without stopwords', () => {
    expect(keywordTerms('What is the name of my cat, Miso?')).toEqual(['name', 'cat', 'miso']);
    expect(keywordTerms('café "quotes" OR NOT')).toEqual(['café', 'quotes', 'not']);
    expect(keywordTerms('who is it')).toEqual(['who', 'is', 'it']);
    expect(keywordTerms('!!!')).toEqual([]);
  });
});

describe('cursor', () => {
  it('round-trips and rejects what the server did not issue', () => {
    const position = { time: '2026-01-01T00:00:00.000Z', id: 'ep_1' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(() => decodeCursor('garbage')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('["not a time","x"]').toString('base64url'))).toThrow(/cursor/);
  });

  it('refuses a forged cursor whose time no engine stores, whose id is no id, or whose form is not the one issued', () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      forged(['0000-01-01T00:00:00.000Z', 'ep_1']),
      forged(['+010000-01-01T00:00:00.000Z', 'ep_1']),
      forged(['-000001-01-01T00:00:00.000Z', 'ep_1']),
      forged(['2026-02-30T00:00:00.000Z', 'ep_1']),
      forged(['2026-01-01T00:00:00Z', 'ep_1']),
      forged(['2026-01-01T01:00:00.000+01:00', 'ep_1']),
      forged(['1', 'ep_1']),
      forged(['2026-01-01T00:00:00.000Z', 'ep 1']),
      forged(['2026-01-01T00:00:00.000Z', 'x'.repeat(129)]),
      forged(['2026-01-01T00:00:00.000Z', 1]),
      forged(['2026-01-01T00:00:00.000Z']),
      forged({ 0: '2026-01-01T00:00:00.000Z', 1: 'ep_1' }),
      `${forged(['2026-01-01T00:00:00.000Z', 'ep_1'])}=`,
      Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0xbd, 0x22, 0x5d]).toString('base64url'),
      '',
    ]) {
      expect(() => decodeCursor(cursor), cursor).toThrow(expect.objectContaining({ code: 'E_VALIDATION', details: expect.objectContaining({ field: 'cursor' }) }));
    }
    const edges = [{ time: '0001-01-01T00:00:00.000Z', id: 'a' }, { time: '9999-12-31T23:59:59.999Z', id: 'mem_01J:x@y.z-1' }];
    for (const position of edges) expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });
});

describe('time', () => {
  it('parses ISO times within the years every engine stores, and names the field of any other', () => {
    expect(parseTime('0001-01-01T00:00:00.000Z', 'from')).toBe(EARLIEST_TIME_MS);
    expect(parseTime('9999-12-31T23:59:59.999Z', 'to')).toBe(LATEST_TIME_MS);
    for (const iso of ['0000-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '9999-12-31T23:00:00-05:00', 'soon']) {
      expect(() => parseTime(iso, 'occurredAt'), iso).toThrow(expect.objectContaining({ code: 'E_VALIDATION', details: expect.objectContaining({ field: 'occurredAt' }) }));
    }
  });
});

describe('session window', () => {
  const message = (content: string): Message => ({ role: 'user', content, createdAt: '2026-01-01T00:00:00.000Z' });

  it('keeps the newest messages and overflows the oldest', () => {
    const { kept, overflow } = splitWindow(['a', 'b', 'c', 'd'].map(message), 3);
    expect(overflow.map((m) => m.content)).toEqual(['a']);
    expect(kept.map((m) => m.content)).toEqual(['b', 'c', 'd']);
    expect(splitWindow([message('a')], 3).overflow).toEqual([]);
  });

  it('promotes messages into message episodes in the session scope', () => {
    const ids = ulidGenerator(manualClock());
    const [episode] = promoteMessages({ namespace: 'n', sessionId: 's', userId: 'u' }, [{ ...message('hi'), name: 'al' }], ids, '2026-02-01T00:00:00.000Z');
    expect(episode).toMatchObject({ namespace: 'n', sessionId: 's', userId: 'u', kind: 'message', role: 'user', content: 'hi', occurredAt: '2026-01-01T00:00:00.000Z', metadata: { name: 'al', promotedFrom: 'session' } });
    expect(episode).not.toHaveProperty('agentId');
  });
});

describe('mergeMemory', () => {
  const base: Memory = {
    id: 'mem_1',
    namespace: 'n',
    content: 'Likes tea',
    kind: 'preference',
    importance: 0.5,
    metadata: { a: 1 },
    sourceEpisodeIds: ['ep_1'],
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z', lastConfirmedAt: '2026-01-01T00:00:00.000Z',
    sourceSessionIds: [], validFrom: '2026-01-01T00:00:00.000Z', supersedes: [], conflicts: [],
    embedding: { status: 'none' },
  };
  const now = '2026-02-01T00:00:00.000Z';

  it('is unchanged when the write adds nothing', () => {
    expect(mergeMemory(base, { ...base, id: 'mem_2', content: 'likes tea.', importance: 0.3, sourceEpisodeIds: [] }, now)).toEqual({ action: 'unchanged', memory: base });
  });

  it('merges importance, metadata, sources and expiry, keeping the stored wording', () => {
    const { action, memory } = mergeMemory({ ...base, expiresAt: '2026-03-01T00:00:00.000Z' }, { ...base, content: 'likes tea', importance: 0.9, metadata: { b: 2 }, sourceEpisodeIds: ['ep_2'] }, now);
    expect(action).toBe('merged');
    expect(memory).toMatchObject({ content: 'Likes tea', importance: 0.9, metadata: { a: 1, b: 2 }, sourceEpisodeIds: ['ep_1', 'ep_2'], version: 2, updatedAt: now });
    expect(memory.expiresAt).toBeUndefined(); // the incoming write has no expiry, so the memory no longer expires
  });
});
