// The WorkingMemoryStore contract. Every session adapter runs it against its real engine,
// together with the EpisodeStore that receives promoted messages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import type { EpisodeStore, PutSession, SessionErasure, SessionKey, WorkingMemoryStore } from '../core/ports.js';
import type { Episode, Message } from '../core/types.js';

export interface WorkingMemoryStoreHarness {
  store: WorkingMemoryStore;
  /** Where promoted messages land; the contract reads it to check promotion. */
  episodes: EpisodeStore;
  clock: Clock & { advance(ms: number): void };
  close(): Promise<void>;
}

export interface WorkingMemoryStoreContractOptions {
  /** A fresh, empty, initialised store for each test. */
  create(): Promise<WorkingMemoryStoreHarness>;
}

const SECOND = 1000;
const TTL = 1800; // 30 minutes

export function runWorkingMemoryStoreContract(name: string, options: WorkingMemoryStoreContractOptions): void {
  describe(`WorkingMemoryStore contract: ${name}`, () => {
    let h: WorkingMemoryStoreHarness;
    let store: WorkingMemoryStore;
    beforeEach(async () => {
      h = await options.create();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    const key: SessionKey = { namespace: 'ns1', sessionId: 's1' };
    /** Messages m<from>..m<to>, one second apart, ending now. */
    function messages(from: number, to: number): Message[] {
      const now = h.clock.now();
      return Array.from({ length: to - from + 1 }, (_, i) => ({
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `m${from + i}`,
        createdAt: toIso(now - (to - from - i) * SECOND),
      }));
    }
    function put(overrides: Partial<PutSession> = {}): ReturnType<WorkingMemoryStore['put']> {
      return store.put({ key, messages: [], state: {}, ttlSeconds: TTL, window: 10, ...overrides });
    }
    async function sessionEpisodes(sessionId = 's1', namespace = 'ns1'): Promise<Episode[]> {
      return (await h.episodes.list({ filter: { namespace, sessionId }, limit: 100, order: 'asc' })).items;
    }
    const contents = (items: { content: string }[]) => items.map((m) => m.content);

    describe('put and get', () => {
      it('creates a session and reads it back with its TTL', async () => {
        const msgs = messages(1, 2);
        msgs[0] = { ...msgs[0]!, name: 'alice', metadata: { lang: 'en' } };
        const write = await put({ userId: 'u1', agentId: 'a1', messages: msgs, state: { step: 2 }, summary: 'so far' });
        const now = h.clock.now();
        expect(write.created).toBe(true);
        expect(write.promoted).toEqual([]);
        const expected = {
          sessionId: 's1',
          namespace: 'ns1',
          userId: 'u1',
          agentId: 'a1',
          messages: msgs,
          state: { step: 2 },
          summary: 'so far',
          ttlSeconds: TTL,
          createdAt: toIso(now),
          updatedAt: toIso(now),
          expiresAt: toIso(now + TTL * SECOND),
        };
        expect(write.session).toStrictEqual(expected);
        expect(await store.get(key)).toStrictEqual(expected);
      });

      it('leaves unset optional fields absent', async () => {
        await put();
        const got = await store.get(key);
        for (const field of ['userId', 'agentId', 'summary']) expect(got).not.toHaveProperty(field);
      });

      it('replaces a live session, keeping createdAt, and promotes the messages the new list drops in the same write', async () => {
        const old = messages(1, 3);
        const first = await put({ userId: 'u1', agentId: 'a1', messages: old, state: { a: 1 }, summary: 'old' });
        h.clock.advance(10 * SECOND);
        const second = await put({ userId: 'u2', messages: messages(4, 4), state: { b: 2 } });
        expect(second.created).toBe(false);
        expect(second.session).toMatchObject({ createdAt: first.session.createdAt, updatedAt: toIso(h.clock.now()), state: { b: 2 }, userId: 'u2' });
        expect(second.session).not.toHaveProperty('summary');
        expect(contents((await store.get(key))!.messages)).toEqual(['m4']);
        // The replaced messages are episodes now, in the scope they were said in, oldest first.
        expect(contents(second.promoted)).toEqual(['m1', 'm2', 'm3']);
        const stored = await sessionEpisodes();
        expect(stored).toEqual(second.promoted);
        expect(stored.map((e) => [e.kind, e.role, e.userId, e.agentId, e.occurredAt])).toEqual(old.map((m) => ['message', m.role, 'u1', 'a1', m.createdAt]));
      });

      it('keeps, and does not promote, replaced messages the new list sends again, with or without createdAt', async () => {
        const old = messages(1, 4);
        await put({ messages: old });
        h.clock.advance(10 * SECOND);
        const { createdAt: _dropped, ...resent } = old[2]!;
        const second = await put({ messages: [old[0]!, { ...resent, createdAt: toIso(h.clock.now()) }, ...messages(5, 5)] });
        expect(contents(second.session.messages)).toEqual(['m1', 'm3', 'm5']);
        expect(contents(second.promoted)).toEqual(['m2', 'm4']);
        expect(contents(await sessionEpisodes())).toEqual(['m2', 'm4']);
        // A repeated message counts once per occurrence.
        const twice = { role: 'user' as const, content: 'ok', createdAt: toIso(h.clock.now()) };
        await put({ messages: [twice, twice] });
        expect(contents((await put({ messages: [twice] })).promoted)).toEqual(['ok']);
      });

      it('promotes replaced messages before the overflow of the new list', async () => {
        await put({ messages: messages(1, 2) });
        h.clock.advance(10 * SECOND);
        const second = await put({ messages: messages(3, 6), window: 2 });
        expect(contents(second.promoted)).toEqual(['m1', 'm2', 'm3', 'm4']);
        expect(contents(await sessionEpisodes())).toEqual(['m1', 'm2', 'm3', 'm4']);
        expect(new Set((await sessionEpisodes()).map((e) => e.id)).size).toBe(4);
      });

      it('isolates namespaces and session ids', async () => {
        await put({ messages: messages(1, 1) });
        await store.put({ key: { namespace: 'ns2', sessionId: 's1' }, messages: messages(2, 2), state: {}, ttlSeconds: TTL, window: 10 });
        expect(contents((await store.get(key))!.messages)).toEqual(['m1']);
        expect(contents((await store.get({ namespace: 'ns2', sessionId: 's1' }))!.messages)).toEqual(['m2']);
        expect(await store.get({ namespace: 'ns1', sessionId: 's2' })).toBeNull();
        expect(await store.get({ namespace: 'ns3', sessionId: 's1' })).toBeNull();
      });
    });

    describe('idle TTL', () => {
      it('get refreshes expiresAt but not updatedAt', async () => {
        const { session } = await put({ messages: messages(1, 1) });
        h.clock.advance(20 * 60 * SECOND);
        const touched = await store.get(key);
        expect(touched?.expiresAt).toBe(toIso(h.clock.now() + TTL * SECOND));
        expect(touched?.updatedAt).toBe(session.updatedAt);
        h.clock.advance(20 * 60 * SECOND); // 40 minutes after put, 20 after the get
        expect(await store.get(key)).not.toBeNull();
      });

      it('get refreshes the idle TTL at most once per tenth of it (a minute at most): a read soon after writes nothing', async () => {
        const { session } = await put({ messages: messages(1, 1) }); // 30 minutes: one refresh a minute at most
        h.clock.advance(30 * SECOND);
        expect((await store.get(key))?.expiresAt).toBe(session.expiresAt);
        h.clock.advance(31 * SECOND);
        const refreshed = await store.get(key);
        expect(refreshed?.expiresAt).toBe(toIso(h.clock.now() + TTL * SECOND));
        h.clock.advance(59 * SECOND);
        expect((await store.get(key))?.expiresAt).toBe(refreshed?.expiresAt);
        await put({ ttlSeconds: 10, messages: messages(2, 2) }); // ten seconds: a refresh each second at most
        h.clock.advance(SECOND - 1);
        expect((await store.get(key))?.expiresAt).toBe(toIso(h.clock.now() - SECOND + 1 + 10 * SECOND));
        h.clock.advance(1);
        expect((await store.get(key))?.expiresAt).toBe(toIso(h.clock.now() + 10 * SECOND));
      });

      it('a session is gone once expiresAt is reached', async () => {
        await put({ ttlSeconds: 60 });
        h.clock.advance(60 * SECOND - 1);
        expect(await store.get(key)).not.toBeNull();
        h.clock.advance(60 * SECOND);
        expect(await store.get(key)).toBeNull();
      });

      it('append refreshes expiresAt and updatedAt', async () => {
        await put({ ttlSeconds: 60 });
        h.clock.advance(50 * SECOND);
        const write = await store.append({ key, messages: messages(1, 1), window: 10, ttlSeconds: 999 });
        expect(write.created).toBe(false);
        expect(write.session.ttlSeconds).toBe(60); // an existing session keeps its own TTL
        expect(write.session.updatedAt).toBe(toIso(h.clock.now()));
        expect(write.session.expiresAt).toBe(toIso(h.clock.now() + 60 * SECOND));
        h.clock.advance(50 * SECOND);
        expect(await store.get(key)).not.toBeNull();
      });
    });

    describe('window promotion', () => {
      it('put keeps the newest messages and promotes the overflow, oldest first, in the same write', async () => {
        const msgs = messages(1, 5);
        const write = await put({ userId: 'u1', agentId: 'a1', messages: msgs, window: 3 });
        expect(contents(write.session.messages)).toEqual(['m3', 'm4', 'm5']);
        expect(contents(write.promoted)).toEqual(['m1', 'm2']);
        const stored = await sessionEpisodes();
        expect(stored).toEqual(write.promoted);
        expect(stored.map((e) => [e.kind, e.role, e.sessionId, e.userId, e.agentId, e.occurredAt])).toEqual([
          ['message', 'user', 's1', 'u1', 'a1', msgs[0]!.createdAt],
          ['message', 'assistant', 's1', 'u1', 'a1', msgs[1]!.createdAt],
        ]);
        expect(stored.every((e) => e.createdAt === toIso(h.clock.now()))).toBe(true);
        expect(contents((await store.get(key))!.messages)).toEqual(['m3', 'm4', 'm5']);
      });

      it('append creates a missing session with the owner and TTL it names, and its promoted messages carry that owner', async () => {
        const write = await store.append({ key, messages: messages(1, 3), window: 2, ttlSeconds: TTL, ttlOverride: 90, userId: 'u1', agentId: 'a1' });
        expect(write.created).toBe(true);
        expect(write.session).toMatchObject({ userId: 'u1', agentId: 'a1', ttlSeconds: 90, expiresAt: toIso(h.clock.now() + 90 * SECOND) });
        expect(await store.get(key)).toMatchObject({ userId: 'u1', agentId: 'a1', ttlSeconds: 90 });
        expect((await sessionEpisodes()).map((e) => [e.content, e.userId, e.agentId])).toEqual([['m1', 'u1', 'a1']]);
      });

      it('append sets the owner of a live session that has none, and a TTL it names, else keeps both', async () => {
        await put({ messages: messages(1, 1), ttlSeconds: 60 });
        const named = await store.append({ key, messages: messages(2, 2), window: 10, ttlSeconds: TTL, ttlOverride: 120, userId: 'u1' });
        expect(named.session).toMatchObject({ userId: 'u1', ttlSeconds: 120, expiresAt: toIso(h.clock.now() + 120 * SECOND) });
        expect(named.session).not.toHaveProperty('agentId');
        const unnamed = await store.append({ key, messages: messages(3, 3), window: 10, ttlSeconds: TTL });
        expect(unnamed.session).toMatchObject({ userId: 'u1', ttlSeconds: 120 });
        const same = await store.append({ key, messages: messages(4, 4), window: 10, ttlSeconds: TTL, userId: 'u1' });
        expect(contents(same.session.messages)).toEqual(['m1', 'm2', 'm3', 'm4']);
      });

      it('append naming another owner than the live session has is a conflict that writes nothing', async () => {
        await put({ userId: 'u1', agentId: 'a1', messages: messages(1, 1) });
        for (const owner of [{ userId: 'u2' }, { agentId: 'a2' }]) {
          await expect(store.append({ key, messages: messages(2, 2), window: 10, ttlSeconds: TTL, ...owner })).rejects.toMatchObject({
            code: 'E_CONFLICT',
            details: { field: Object.keys(owner)[0] },
          });
        }
        expect(contents((await store.get(key))!.messages)).toEqual(['m1']);
        expect(await sessionEpisodes()).toEqual([]);
      });

      it('append creates a missing session with the given TTL and empty state', async () => {
        const write = await store.append({ key, messages: messages(1, 2), window: 10, ttlSeconds: 120 });
        expect(write.created).toBe(true);
        expect(write.promoted).toEqual([]);
        expect(write.session).toMatchObject({ ttlSeconds: 120, state: {}, expiresAt: toIso(h.clock.now() + 120 * SECOND) });
        expect(contents((await store.get(key))!.messages)).toEqual(['m1', 'm2']);
      });

      it('append promotes what overflows the window across several appends, in order', async () => {
        await store.append({ key, messages: messages(1, 3), window: 4, ttlSeconds: TTL });
        h.clock.advance(10 * SECOND);
        const second = await store.append({ key, messages: messages(4, 6), window: 4, ttlSeconds: TTL });
        expect(contents(second.promoted)).toEqual(['m1', 'm2']);
        h.clock.advance(10 * SECOND);
        const third = await store.append({ key, messages: messages(7, 7), window: 4, ttlSeconds: TTL });
        expect(contents(third.promoted)).toEqual(['m3']);
        expect(contents(third.session.messages)).toEqual(['m4', 'm5', 'm6', 'm7']);
        expect(contents(await sessionEpisodes())).toEqual(['m1', 'm2', 'm3']);
        const ids = (await sessionEpisodes()).map((e) => e.id);
        expect(new Set(ids).size).toBe(3);
      });

      it('carries message name and metadata into the promoted episode', async () => {
        const msgs = messages(1, 2);
        msgs[0] = { ...msgs[0]!, name: 'bob', metadata: { lang: 'fr' } };
        await put({ messages: msgs, window: 1 });
        const [episode] = await sessionEpisodes();
        expect(episode?.metadata).toMatchObject({ lang: 'fr', name: 'bob' });
        expect(episode?.content).toBe('m1');
      });
    });

    describe('concurrency and keys', () => {
      it('concurrent appends lose and duplicate nothing', async () => {
        const all = messages(1, 20);
        await Promise.all(all.map((message) => store.append({ key, messages: [message], window: 5, ttlSeconds: TTL })));
        const kept = contents((await store.get(key))!.messages);
        const promoted = contents(await sessionEpisodes());
        expect(kept).toHaveLength(5);
        expect(promoted).toHaveLength(15);
        expect([...promoted, ...kept].sort()).toEqual(contents(all).sort());
      });

      it('keeps apart sessions whose namespace or id holds a colon', async () => {
        await store.put({ key: { namespace: 'a', sessionId: 'b:c' }, messages: messages(1, 1), state: {}, ttlSeconds: TTL, window: 10 });
        await store.put({ key: { namespace: 'a:b', sessionId: 'c' }, messages: messages(2, 2), state: {}, ttlSeconds: TTL, window: 10 });
        expect(contents((await store.get({ namespace: 'a', sessionId: 'b:c' }))!.messages)).toEqual(['m1']);
        expect(contents((await store.get({ namespace: 'a:b', sessionId: 'c' }))!.messages)).toEqual(['m2']);
      });
    });

    describe('expired sessions', () => {
      it('put on an expired session promotes its old messages first, then starts anew', async () => {
        await put({ messages: messages(1, 2), ttlSeconds: 60, state: { old: true } });
        h.clock.advance(61 * SECOND);
        const write = await put({ messages: messages(3, 5), window: 2 });
        expect(write.created).toBe(true);
        expect(contents(write.promoted)).toEqual(['m1', 'm2', 'm3']);
        expect(write.session).toMatchObject({ createdAt: toIso(h.clock.now()), state: {} });
        expect(contents(await sessionEpisodes())).toEqual(['m1', 'm2', 'm3']);
      });

      it('append on an expired session promotes its old messages and starts empty', async () => {
        await put({ messages: messages(1, 2), ttlSeconds: 60, state: { old: true }, summary: 'old' });
        h.clock.advance(61 * SECOND);
        const write = await store.append({ key, messages: messages(3, 3), window: 10, ttlSeconds: 90 });
        expect(write.created).toBe(true);
        expect(contents(write.promoted)).toEqual(['m1', 'm2']);
        expect(write.session).toMatchObject({ ttlSeconds: 90, state: {} });
        expect(write.session).not.toHaveProperty('summary');
        expect(contents(write.session.messages)).toEqual(['m3']);
      });

      it('sweepExpired promotes what expired sessions held, deletes them and leaves live ones', async () => {
        await store.put({ key: { namespace: 'ns1', sessionId: 'a' }, messages: messages(1, 2), state: {}, ttlSeconds: 60, window: 10 });
        await store.put({ key: { namespace: 'ns2', sessionId: 'b' }, messages: messages(3, 3), state: {}, ttlSeconds: 60, window: 10 });
        await store.put({ key: { namespace: 'ns1', sessionId: 'c' }, messages: [], state: {}, ttlSeconds: 60, window: 10 });
        await store.put({ key: { namespace: 'ns1', sessionId: 'live' }, messages: messages(4, 4), state: {}, ttlSeconds: 600, window: 10 });
        h.clock.advance(60 * SECOND);
        expect(await store.sweepExpired()).toBe(3);
        expect(contents(await sessionEpisodes('a'))).toEqual(['m1', 'm2']);
        expect(contents(await sessionEpisodes('b', 'ns2'))).toEqual(['m3']);
        expect(await sessionEpisodes('live')).toEqual([]);
        expect(contents((await store.get({ namespace: 'ns1', sessionId: 'live' }))!.messages)).toEqual(['m4']);
        expect(await store.sweepExpired()).toBe(0);
        // Swept rows are gone: a new put creates without promoting anything again.
        const again = await store.put({ key: { namespace: 'ns1', sessionId: 'a' }, messages: [], state: {}, ttlSeconds: 60, window: 10 });
        expect(again).toMatchObject({ created: true, promoted: [] });
        expect(await store.delete({ namespace: 'ns2', sessionId: 'b' })).toBe(false);
      });
    });

    describe('user reach (a key naming a user)', () => {
      const mine: SessionKey = { ...key, userId: 'u1' };

      it("get and delete find only that user's session: another user's, or one without a user, is missing", async () => {
        for (const owner of [{ userId: 'u2' }, {}]) {
          await put({ ...owner, messages: messages(1, 1) });
          expect(await store.get(mine)).toBeNull();
          expect(await store.delete(mine)).toBe(false);
          expect(contents((await store.get(key))!.messages)).toEqual(['m1']);
          expect(await store.delete(key)).toBe(true);
        }
        await put({ userId: 'u1', messages: messages(1, 1) });
        expect(await store.get(mine)).toMatchObject({ userId: 'u1', messages: [{ content: 'm1' }] });
        expect(await store.get({ ...mine, namespace: 'ns2' })).toBeNull();
        expect(await store.delete(mine)).toBe(true);
        expect(await store.get(key)).toBeNull();
      });

      it("a read through another user's key does not keep the session alive", async () => {
        await put({ userId: 'u2', messages: messages(1, 1), ttlSeconds: 100 });
        h.clock.advance(90 * SECOND);
        expect(await store.get(mine)).toBeNull();
        h.clock.advance(20 * SECOND);
        expect(await store.get(key)).toBeNull();
      });

      it("append and put on a live session of another user, or of none, are a conflict naming neither owner, and write nothing", async () => {
        for (const owner of [{ userId: 'someone-else' }, {}]) {
          await put({ ...owner, messages: messages(1, 2) });
          const writes = [
            () => store.append({ key: mine, messages: messages(3, 3), window: 10, ttlSeconds: TTL }),
            () => store.append({ key: mine, messages: messages(3, 3), window: 10, ttlSeconds: TTL, userId: 'u1' }),
            () => store.put({ key: mine, messages: messages(3, 3), state: { x: 1 }, ttlSeconds: TTL, window: 10 }),
          ];
          for (const write of writes) {
            const error = await write().then(() => null, (e: unknown) => e);
            expect(error).toMatchObject({ code: 'E_CONFLICT', details: { field: 'userId' } });
            expect(String((error as Error).message)).not.toContain('someone-else');
          }
          expect(await store.get(key)).toMatchObject({ messages: messages(1, 2), state: {} });
          expect(await sessionEpisodes()).toEqual([]);
          expect(await store.delete(key)).toBe(true);
        }
      });

      it("append and put create a missing session as that user's, and a command naming another owner is a conflict", async () => {
        const appended = await store.append({ key: mine, messages: messages(1, 1), window: 10, ttlSeconds: TTL });
        expect(appended).toMatchObject({ created: true, session: { userId: 'u1' } });
        expect(await store.get(mine)).toMatchObject({ userId: 'u1', messages: [{ content: 'm1' }] });
        const again = await store.append({ key: mine, messages: messages(2, 2), window: 10, ttlSeconds: TTL, userId: 'u1' });
        expect(contents(again.session.messages)).toEqual(['m1', 'm2']);
        await expect(store.put({ key: { ...mine, sessionId: 's2' }, userId: 'u2', messages: [], state: {}, ttlSeconds: TTL, window: 10 })).rejects.toMatchObject({
          code: 'E_CONFLICT',
        });
        expect(await store.get({ ...key, sessionId: 's2' })).toBeNull();
        const replaced = await store.put({ key: mine, messages: messages(3, 3), state: {}, ttlSeconds: TTL, window: 10 });
        expect(replaced).toMatchObject({ created: false, session: { userId: 'u1' } });
        expect(replaced.promoted.map((e) => e.content)).toEqual(['m1', 'm2']);
      });

      it("a write over an expired session of another user promotes its messages in that user's scope, and does not report them", async () => {
        await put({ userId: 'u2', messages: messages(1, 2), ttlSeconds: 1 });
        h.clock.advance(5 * SECOND);
        const write = await store.put({ key: mine, messages: messages(3, 3), state: {}, ttlSeconds: TTL, window: 10 });
        expect(write).toMatchObject({ created: true, promoted: [], session: { userId: 'u1' } });
        expect((await sessionEpisodes()).map((e) => [e.content, e.userId])).toEqual([
          ['m1', 'u2'],
          ['m2', 'u2'],
        ]);
      });
    });

    describe('list', () => {
      it('lists live sessions of a namespace by session id, in pages, of one user when asked, without the expired ones', async () => {
        for (const [sessionId, userId] of [['s3', 'u1'], ['s1', 'u2'], ['s2', 'u1'], ['s:4*', 'u1']] as const) {
          await put({ key: { namespace: 'ns1', sessionId }, userId, messages: messages(1, 1) });
        }
        await put({ key: { namespace: 'ns1x', sessionId: 's9' }, userId: 'u1' });
        await put({ key: { namespace: 'ns1', sessionId: 'short' }, userId: 'u1', ttlSeconds: 5 });
        h.clock.advance(10 * SECOND);
        const first = await store.list({ namespace: 'ns1', limit: 2 });
        expect(first.items.map((s) => s.sessionId)).toEqual(['s1', 's2']);
        expect(first.next).toBe('s2');
        const rest = await store.list({ namespace: 'ns1', limit: 2, after: first.next! });
        expect(rest.items.map((s) => s.sessionId)).toEqual(['s3', 's:4*']);
        expect(rest.next).toBeUndefined();
        expect(rest.items[0]!.messages.map((m) => m.content)).toEqual(['m1']);
        const wild = await store.list({ namespace: 'ns1', limit: 10, after: 's3' });
        expect(wild.items.map((s) => s.sessionId)).toEqual(['s:4*']);
        expect((await store.list({ namespace: 'ns1', userId: 'u1', limit: 10 })).items.map((s) => s.sessionId)).toEqual(['s2', 's3', 's:4*']);
        expect((await store.list({ namespace: 'nope', limit: 10 })).items).toEqual([]);
      });
    });

    describe('erasure (SessionErasure)', () => {
      it("erases a user's sessions, live and expired, and finds none afterwards; others stay; a namespace erasure takes the rest", async () => {
        const eraser = store as unknown as Partial<SessionErasure>;
        if (eraser.erase === undefined || eraser.find === undefined) return;
        await put({ key: { namespace: 'ns1', sessionId: 'a' }, userId: 'u1', messages: messages(1, 2) });
        await put({ key: { namespace: 'ns1', sessionId: 'b' }, userId: 'u1', messages: messages(3, 3), ttlSeconds: 1 });
        await put({ key: { namespace: 'ns1', sessionId: 'c' }, userId: 'u2', messages: messages(4, 4) });
        await put({ key: { namespace: 'ns2', sessionId: 'a' }, userId: 'u1', messages: messages(5, 5) });
        h.clock.advance(5 * SECOND); // b has expired, still stored
        expect(await eraser.find({ namespace: 'ns1', userId: 'u1' })).toMatchObject({ sessions: 2 });
        const pass = await eraser.erase({ namespace: 'ns1', userId: 'u1' });
        expect(pass.removed).toMatchObject({ sessions: 2 });
        expect([...pass.texts].sort()).toEqual(['m1', 'm2', 'm3']);
        expect([...pass.ids].sort()).toEqual(['a', 'b']);
        expect(await eraser.find({ namespace: 'ns1', userId: 'u1' })).toEqual({ sessions: 0, outbox: 0 });
        expect(await store.get({ namespace: 'ns1', sessionId: 'a' })).toBeNull();
        expect(await sessionEpisodes('b')).toEqual([]);
        expect((await store.get({ namespace: 'ns1', sessionId: 'c' }))?.userId).toBe('u2');
        expect((await store.get({ namespace: 'ns2', sessionId: 'a' }))?.userId).toBe('u1');
        expect((await eraser.erase({ namespace: 'ns1' })).removed).toMatchObject({ sessions: 1 });
        expect(await eraser.find({ namespace: 'ns1' })).toEqual({ sessions: 0, outbox: 0 });
        expect(await eraser.find({ namespace: 'ns2' })).toMatchObject({ sessions: 1 });
      });
    });

    describe('count', () => {
      it('counts live sessions and those expiring before a time, overall, by namespace, by user, or of one user', async () => {
        await put({ key: { namespace: 'ns1', sessionId: 's1' }, userId: 'u1' });
        await put({ key: { namespace: 'ns1', sessionId: 's2' }, userId: 'u2' });
        await put({ key: { namespace: 'ns1', sessionId: 's3' }, ttlSeconds: 300 });
        await put({ key: { namespace: 'n:2', sessionId: 's1' }, userId: 'u1', ttlSeconds: 60 });
        await put({ key: { namespace: 'ns1', sessionId: 'gone' }, userId: 'u1', ttlSeconds: 5 });
        h.clock.advance(10 * SECOND);
        const expiringBefore = h.clock.now() + 600 * SECOND;
        expect(await store.count({ expiringBefore })).toEqual([{ live: 4, expiring: 2 }]);
        expect(await store.count({ expiringBefore, groupBy: 'namespace' })).toEqual([
          { namespace: 'n:2', live: 1, expiring: 1 },
          { namespace: 'ns1', live: 3, expiring: 1 },
        ]);
        expect(await store.count({ expiringBefore, namespace: 'ns1', groupBy: 'user' })).toEqual([
          { userId: 'u1', live: 1, expiring: 0 },
          { userId: 'u2', live: 1, expiring: 0 },
        ]);
        expect(await store.count({ expiringBefore, namespace: 'ns1' })).toEqual([{ live: 3, expiring: 1 }]);
        expect(await store.count({ expiringBefore, namespace: 'n:2', userId: 'u1' })).toEqual([{ live: 1, expiring: 1 }]);
        expect(await store.count({ expiringBefore, namespace: 'nope' })).toEqual([{ live: 0, expiring: 0 }]);
        // Counting refreshes no TTL: the short session still expires on time.
        h.clock.advance(61 * SECOND);
        expect(await store.count({ expiringBefore: h.clock.now(), namespace: 'n:2' })).toEqual([{ live: 0, expiring: 0 }]);
      });
    });

    describe('delete', () => {
      it('removes a live or expired session without promoting its messages', async () => {
        await put({ messages: messages(1, 3) });
        expect(await store.delete({ namespace: 'ns2', sessionId: 's1' })).toBe(false);
        expect(await store.delete(key)).toBe(true);
        expect(await store.get(key)).toBeNull();
        expect(await store.delete(key)).toBe(false);
        await put({ messages: messages(4, 4), ttlSeconds: 1 });
        h.clock.advance(5 * SECOND);
        expect(await store.delete(key)).toBe(true);
        expect(await sessionEpisodes()).toEqual([]);
        expect(await store.sweepExpired()).toBe(0);
      });
    });
  });
}
