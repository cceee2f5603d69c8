// A 2xx means committed: kill the server with SIGKILL mid-traffic, restart it on the same data
// folder (or PostgreSQL schema and Redis prefix, in server mode), and find every write it acknowledged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { testBackend, testBackendEnv } from '../support/test-memos.js';

const dataDir = mkdtempSync(join(tmpdir(), 'memos-durability-'));
const backend = testBackendEnv();
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  await backend.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Acked {
  merged: number;
  memories: Map<string, string>; // id → content
  episodes: Map<string, string>;
  messages: Set<string>; // session message contents
}

async function post(baseUrl: string, path: string, body: unknown): Promise<{ status: number; json: any } | undefined> {
  try {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: await response.json() };
  } catch {
    return undefined; // the server died with this request in flight: not acknowledged
  }
}

const WORDS = 'amber basil canyon dolphin ember falcon glacier harbor iris juniper kettle lantern meadow nectar orchid pepper quartz raven saffron tundra umbrella velvet walnut yarrow zephyr anchor bramble cobalt dune everest fjord granite hazel indigo jasmine kelp lichen marble nutmeg opal pumice quill rhubarb sorrel thistle urchin vortex willow xylophone yucca zinnia'.split(' ');

/** Words that differ from write to write, so that no two memories are near-duplicates and merge. */
function distinctText(tag: string): string {
  let seed = [...tag].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0, 2166136261);
  const words = Array.from({ length: 8 }, () => {
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0;
    return WORDS[seed % WORDS.length];
  });
  return `${words.join(' ')} (${tag})`;
}

/** One writer: keeps writing one kind of record until told to stop, recording what was acknowledged. */
async function writer(baseUrl: string, kind: 'memories' | 'episodes' | 'messages', worker: number, acked: Acked, running: () => boolean) {
  for (let i = 0; running(); i++) {
    const tag = `w${worker}-${i}`;
    if (kind === 'memories') {
      const contents = [0, 1, 2].map((j) => distinctText(`${tag}-${j}`));
      const result = await post(baseUrl, '/api/v1/memories', { namespace: 'dur', memories: contents.map((content) => ({ content })) });
      if (result?.status === 201) {
        result.json.results.forEach((r: { id: string; action: string }, j: number) => {
          if (r.action !== 'created') acked.merged += 1; // would make the id-to-text check below ambiguous
          acked.memories.set(r.id, contents[j]!);
        });
      }
    } else if (kind === 'episodes') {
      const content = `durable episode ${tag}`;
      const result = await post(baseUrl, '/api/v1/episodes', { namespace: 'dur', episodes: [{ kind: 'observation', content }] });
      if (result?.status === 201) acked.episodes.set(result.json.ids[0], content);
    } else {
      const content = `durable message ${tag}`;
      const result = await post(baseUrl, `/api/v1/sessions/dur-${worker}/messages`, { namespace: 'dur', messages: [{ role: 'user', content }] });
      if (result && result.status < 300) acked.messages.add(content);
    }
  }
}

describe(`durability (${testBackend})`, () => {
  it('keeps every acknowledged write across a SIGKILL', async () => {
    // A small window so that session messages are promoted to episodes while the load runs.
    const env = { MEMOS_DATA_DIR: dataDir, MEMOS_SESSION_WINDOW: '5', ...backend.env };
    server = await startServerProcess(env);
    const acked: Acked = { merged: 0, memories: new Map(), episodes: new Map(), messages: new Set() };
    let running = true;
    const writers = [
      writer(server.baseUrl, 'memories', 0, acked, () => running),
      writer(server.baseUrl, 'memories', 1, acked, () => running),
      writer(server.baseUrl, 'episodes', 2, acked, () => running),
      writer(server.baseUrl, 'messages', 3, acked, () => running),
    ];

    // Kill it mid-traffic once a fair number of writes has been acknowledged.
    const deadline = Date.now() + 15_000;
    while (acked.memories.size < 300 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const code = await server.stop('SIGKILL');
    running = false;
    await Promise.all(writers);
    expect(code).toBeNull(); // killed by the signal, no clean shutdown
    expect(acked.memories.size).toBeGreaterThanOrEqual(300);
    expect(acked.merged).toBe(0);
    expect(acked.episodes.size).toBeGreaterThan(0);
    expect(acked.messages.size).toBeGreaterThan(0);

    server = await startServerProcess(env);
    const base = server.baseUrl;
    for (const [id, content] of acked.memories) {
      const response = await fetch(`${base}/api/v1/memories/${id}?namespace=dur`);
      expect(response.status, `memory ${id}`).toBe(200);
      expect(((await response.json()) as { content: string }).content).toBe(content);
    }
    for (const [id, content] of acked.episodes) {
      const response = await fetch(`${base}/api/v1/episodes/${id}?namespace=dur`);
      expect(response.status, `episode ${id}`).toBe(200);
      expect(((await response.json()) as { content: string }).content).toBe(content);
    }
    // Acknowledged session messages are either still in the session or promoted to episodes.
    const session = (await (await fetch(`${base}/api/v1/sessions/dur-3?namespace=dur`)).json()) as { messages: Array<{ content: string }> };
    const promoted: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await fetch(`${base}/api/v1/episodes?namespace=dur&sessionId=dur-3&limit=500${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as { items: Array<{ content: string }>; nextCursor?: string };
      promoted.push(...page.items.map((item) => item.content));
      cursor = page.nextCursor;
    } while (cursor);
    const kept = new Set([...session.messages.map((m) => m.content), ...promoted]);
    for (const content of acked.messages) expect(kept.has(content), content).toBe(true);
    expect(promoted.length).toBeGreaterThan(0);
  }, 60_000);
});
