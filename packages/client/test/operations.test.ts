// The gateway, admin and data-lifecycle routes through the client against a real, listening
// memOS: embeddings and models, keys, audit, reindex, caches, counts, export and import,
// erasure, health and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ExportLine, MemosClient, UserSummary } from '../src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from './listening-memos.js';

let server: ListeningMemos;
let admin: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  admin = server.client();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('the client, on the gateway, admin and lifecycle routes', () => {
  it('lists models, reads one by id, and embeds through all three embedding routes and the cache', async () => {
    const models = await admin.models.list();
    expect(models.data).toHaveLength(1);
    const model = models.data[0]!.id;
    expect(await admin.models.get(model)).toMatchObject({ id: model, object: 'model' });
    await expect(admin.models.get('no/such-model')).rejects.toMatchObject({ code: 'E_NOT_FOUND', status: 404 });

    const namespace = unique('embed');
    // Read loosely: the document declares no answer schema for this route yet.
    const openAi = (await admin.embeddings.create({ model, input: ['hello world', 'memory for agents'] }, { namespace })) as unknown as { data: Array<{ embedding: number[] }> };
    expect(openAi.data).toHaveLength(2);
    const one = await admin.embeddings.embed({ text: 'hello world' }, { namespace });
    expect(one).toMatchObject({ model, cached: true });
    expect(one.embedding).toEqual(openAi.data[0]!.embedding);
    const batch = await admin.embeddings.embedBatch({ texts: ['hello world', 'something new'], purpose: 'document' }, { namespace });
    expect(batch.cache).toMatchObject({ hits: 1, misses: 1 });
    expect(batch.embeddings).toHaveLength(2);

    const stats = await admin.embeddings.cacheStats({ namespace });
    expect(stats.entries).toBe(3);
    expect(await admin.embeddings.clearCache({ namespace })).toEqual({ cleared: 3 });
    expect((await admin.embeddings.cacheStats({ namespace })).entries).toBe(0);
  });

  it('reports and clears the answer caches, of one namespace or all', async () => {
    const namespace = unique('cache');
    const client = server.client({ namespace });
    await client.remember('Carla collects vinyl records');
    await client.search({ query: 'vinyl' });
    const stats = await client.cache.stats({ namespace });
    expect(stats.namespace).toBe(namespace);
    expect(stats.caches.responses.entries).toBeGreaterThan(0);
    // The client's default namespace does not narrow a route that covers every namespace.
    expect((await client.cache.stats()).namespace).toBeUndefined();
    const cleared = await client.cache.clear({ prefix: 'responses' }, { namespace });
    expect(cleared.cleared).toBeGreaterThan(0);
    expect((await client.cache.stats({ namespace })).caches.responses.entries).toBe(0);
  });

  it('makes, lists and revokes keys, and reads the audit log page by page', async () => {
    const made = await admin.keys.create({ name: 'client test', role: 'read', namespaces: ['keyed'] });
    expect(made.key).toMatch(/^memos_/);
    expect((await admin.keys.list()).items.map((key) => key.id)).toContain(made.id);
    await admin.keys.revoke(made.id);
    expect((await admin.keys.list()).items.find((key) => key.id === made.id)?.revokedAt).toEqual(expect.any(String));

    const page = await admin.audit.list({ limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const entries: AuditEntry[] = [];
    for await (const entry of admin.audit.iterate({ limit: 2, action: 'keys.create' })) entries.push(entry);
    expect(entries.map((entry) => entry.action)).toEqual(['keys.create']);
  });

  it('reports and starts the embedding backfill', async () => {
    const status = await admin.reindex.status();
    expect(status.embedder.state).toBe('ready');
    expect(status.progress?.total).toEqual(expect.any(Number));
    const started = await admin.reindex.start({ retryFailed: true });
    expect(started.retried).toBe(0);
    expect(typeof (await admin.reindex.start()).running).toBe('boolean');
  });

  it('counts what a namespace holds: stats, namespaces, users page by page', async () => {
    const namespace = unique('counted');
    const client = server.client({ namespace });
    for (const userId of ['u1', 'u2', 'u3']) await client.remember(`${userId} likes the sea`, { userId });
    const stats = await client.stats();
    expect(stats).toMatchObject({ namespace, memories: { count: 3 } });
    expect((await client.stats({ userId: 'u2' })).memories.count).toBe(1);
    const listed = await admin.namespaces.list();
    expect(listed.namespaces.find((entry) => entry.namespace === namespace)).toMatchObject({ memories: 3, users: 3 });
    const users: UserSummary[] = [];
    for await (const user of client.users.iterate({ limit: 2 })) users.push(user);
    expect(users.map((user) => user.userId)).toEqual(['u1', 'u2', 'u3']);
  });

  it('exports a namespace as parsed lines or a raw stream, and imports it into another from each kind of body', async () => {
    const source = server.client({ namespace: unique('export') });
    await source.remember([{ content: 'Dina plays the cello' }, { content: 'Dina lives in Porto' }], { userId: 'dina' });
    await source.episodes.write({ episodes: [{ kind: 'observation', content: 'Dina asked about concerts' }] });

    const lines: ExportLine[] = [];
    for await (const line of source.transfer.export()) lines.push(line);
    expect(lines.map((line) => line.type)).toEqual(['header', 'episode', 'memory', 'memory', 'end']);
    const text = await new Response(await source.transfer.exportStream()).text();
    expect(text.trim().split('\n')).toHaveLength(5);

    const bodies: Array<[string, Parameters<MemosClient['transfer']['import']>[0]]> = [
      ['parsed lines', source.transfer.export()],
      ['text', text],
      ['bytes', new TextEncoder().encode(text)],
      ['a Blob', new Blob([text])],
      ['a stream', await source.transfer.exportStream()],
      ['line strings', text.trim().split('\n')],
    ];
    // Into another memOS (record ids are unique across a SQLite store's namespaces): the first body
    // creates the records, every other kind of body is read whole and finds them there.
    const other = await startListeningMemos();
    try {
      const target = other.client({ namespace: 'imported' });
      for (const [index, [kind, body]] of bodies.entries()) {
        const summary = await target.transfer.import(body).catch((error: unknown) => {
          throw new Error(`${kind}: ${String(error)}`);
        });
        const expected = index === 0 ? { created: 2, unchanged: 0 } : { created: 0, unchanged: 2 };
        expect({ kind, lines: summary.lines, memories: summary.memories }).toEqual({ kind, lines: 5, memories: expected });
      }
      expect((await target.memories.list()).items.map((memory) => memory.content).sort()).toEqual(['Dina lives in Porto', 'Dina plays the cello']);
    } finally {
      await other.close();
    }
  });

  it('erases a user and a namespace, and reads the receipt again', async () => {
    const namespace = unique('erase');
    const client = server.client({ namespace });
    await client.remember('Eva keeps bees', { userId: 'eva' });
    await client.remember('Fred keeps goats', { userId: 'fred' });
    const receipt = await client.erasure.eraseUser('eva');
    expect(receipt).toMatchObject({ subject: { namespace, userId: 'eva' }, ok: true });
    expect(await client.erasure.getReceipt(receipt.receiptId)).toEqual(receipt);
    expect((await client.memories.list()).items.map((memory) => memory.userId)).toEqual(['fred']);
    // The namespace is the path: the client's default (this very namespace, or another) is not sent.
    const other = server.client({ namespace: unique('unrelated') });
    const whole = await other.erasure.eraseNamespace(namespace);
    expect(whole).toMatchObject({ subject: { namespace }, ok: true });
    expect((await client.memories.list()).items).toEqual([]);
  });

  it('reads service info, health, readiness and metrics', async () => {
    expect(await admin.info()).toMatchObject({ name: 'memOS', api: '/api/v1' });
    expect(await admin.health.live()).toEqual({ status: 'ok' });
    expect((await admin.health.ready()).status).toBe('ready');
    expect(['healthy', 'degraded']).toContain((await admin.health.check()).status);
    expect(Object.keys((await admin.health.detailed()).components)).toContain('storage');
    expect(await admin.metrics()).toMatch(/^# HELP /m);
  });
});
