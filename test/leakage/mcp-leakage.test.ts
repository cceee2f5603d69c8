// The leakage suite through MCP (`POST /mcp`): every key of the suite, every tenant and every tool
// that reads, writes or forgets. A call beyond the key's reach is refused (a tool error, or 401 for
// a key memOS refuses) or finds nothing; no answer holds a secret word or record id of a tenant the
// key does not reach; nothing is written where it may not be; planted records stay as planted;
// and no log line holds a secret word or a key.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSink } from '../support/log-sink.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';
import { makeActors, reachesNamespace, reachesRecords, roleAllows, type Actor } from './actors.js';
import { bearer, sender, type Answer, type Send } from './leak-api.js';
import { freshRecord, plantedState, plantTenants, randomWord, recordsIn, type Tenant } from './tenants.js';

const ADMIN_KEY = `leakage-admin-${randomBytes(24).toString('hex')}`;
const logs = logSink();
let memos: TestMemos;
let send: Send;
let actors: Actor[];
let tenants: Tenant[];
const planted = new Map<string, string>();
let calls = 0;

beforeAll(async () => {
  if (!haveModel) return;
  memos = await startTestMemos(
    { MEMOS_ADMIN_KEY: ADMIN_KEY, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_SESSION_SWEEP_SECONDS: '86400', MEMOS_LOG_LEVEL: 'debug', MEMOS_AUDIT_READS: 'true' },
    undefined,
    undefined,
    logs.stream,
  );
  send = sender(memos);
  actors = await makeActors(send, ADMIN_KEY);
  tenants = await plantTenants(send, ADMIN_KEY);
  for (const tenant of tenants) planted.set(tenant.label, await plantedState(send, ADMIN_KEY, tenant));
}, 60_000);

afterAll(async () => {
  await memos?.close();
});

/** One tool call as a JSON-RPC request to `/mcp` with the actor's key (stateless: no initialize needed). */
async function callTool(actor: Actor, name: string, args: Record<string, unknown>): Promise<Answer> {
  calls++;
  return send({
    method: 'POST',
    url: '/mcp',
    headers: { ...bearer(actor.key), accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
    payload: { jsonrpc: '2.0', id: calls, method: 'tools/call', params: { name, arguments: args } },
  });
}

interface Attempt {
  tool: string;
  args: Record<string, unknown>;
  needs: 'read' | 'write';
  /** A record the call would change, which must stay unless the key reaches it. */
  changes?: string;
}

/** The calls aimed at `tenant`: naming its namespace and user, and naming neither (the key's own namespace). */
async function attemptsAt(tenant: Tenant): Promise<Attempt[]> {
  const scope = { namespace: tenant.namespace, ...(tenant.userId === undefined ? {} : { userId: tenant.userId }) };
  const victim = await freshRecord(send, ADMIN_KEY, tenant, 'memory');
  // Appends go to a session made for them, so that the planted one stays as planted.
  const session = await freshRecord(send, ADMIN_KEY, tenant, 'session');
  const probe = randomWord('probe');
  return [
    { tool: 'recall', args: { ...scope, query: tenant.searchWord }, needs: 'read' },
    { tool: 'recall', args: { query: `${tenant.searchWord} ${tenant.secret}`, mode: 'keyword' }, needs: 'read' },
    { tool: 'get_context', args: { ...scope, query: tenant.searchWord, sessionId: tenant.sessionId }, needs: 'read' },
    { tool: 'get_context', args: { sessionId: tenant.sessionId }, needs: 'read' },
    { tool: 'list_memories', args: { ...scope }, needs: 'read' },
    { tool: 'forget', args: { namespace: tenant.namespace, id: victim }, needs: 'write', changes: victim },
    { tool: 'forget', args: { id: victim }, needs: 'write', changes: victim },
    { tool: 'retract_memory', args: { namespace: tenant.namespace, id: victim, reason: probe }, needs: 'write', changes: victim },
    { tool: 'retract_memory', args: { id: victim }, needs: 'write', changes: victim },
    { tool: 'list_conflicts', args: { ...scope }, needs: 'read' },
    { tool: 'list_memories', args: { ...scope, includeSuperseded: true }, needs: 'read' },
    { tool: 'remember', args: { ...scope, memories: [{ content: `A ${probe} replacement`, supersedes: [victim] }] }, needs: 'write', changes: victim },
    { tool: 'remember', args: { ...scope, memories: [{ content: `A ${probe} note`, metadata: { note: probe } }] }, needs: 'write' },
    { tool: 'record_episode', args: { ...scope, kind: 'observation', content: `Saw ${probe}` }, needs: 'write' },
    { tool: 'append_session_messages', args: { ...scope, sessionId: session, messages: [{ role: 'user', content: `Said ${probe}` }] }, needs: 'write' },
  ];
}

describe.skipIf(!haveModel)('leakage through MCP', () => {
  it('lets no key read, find, write or forget beyond its reach through any tool', async () => {
    const failures: string[] = [];
    let shown = 0;
    for (const tenant of tenants) {
      const others = tenants.filter((other) => other !== tenant);
      for (const actor of actors) {
        for (const attempt of await attemptsAt(tenant)) {
          const answer = await callTool(actor, attempt.tool, attempt.args);
          const label = `${actor.name} → ${attempt.tool} ${JSON.stringify(attempt.args)} at ${tenant.label}`;
          if (!actor.valid) {
            if (answer.status !== 401) failures.push(`${label}: ${answer.status}, expected 401`);
            continue;
          }
          if (answer.status !== 200) {
            failures.push(`${label}: HTTP ${answer.status}`);
            continue;
          }
          const result = answer.json.result as { isError?: boolean; content: Array<{ text: string }> };
          const named = attempt.args.namespace as string | undefined;
          // Naming a namespace the key does not reach, or a role it does not have: always a tool error.
          if ((named !== undefined && !reachesNamespace(actor, named)) || !roleAllows(actor, attempt.needs)) {
            if (result.isError !== true || !/^E_FORBIDDEN: /.test(result.content[0]!.text)) failures.push(`${label}: not refused (${result.content[0]?.text.slice(0, 120)})`);
          }
          // No answer holds what the key may not reach, of this tenant or any other.
          for (const other of [tenant, ...others]) {
            if (reachesRecords(actor, other.namespace, other.userId)) continue;
            const leaked = [other.secret, ...other.memoryIds, ...other.episodeIds].filter((word) => answer.text.includes(word));
            if (leaked.length > 0) failures.push(`${label}: answer holds ${other.label}'s ${leaked.join(', ')}`);
          }
          if (reachesRecords(actor, tenant.namespace, tenant.userId) && attempt.tool === 'recall' && named !== undefined && answer.text.includes(tenant.secret)) shown++;
          const victim = attempt.changes;
          if (victim !== undefined && !(reachesRecords(actor, tenant.namespace, tenant.userId) && roleAllows(actor, 'write'))) {
            // Still there, and still current: neither forgotten, nor retracted or superseded.
            const still = await memos.services.memories.get({ namespace: tenant.namespace, id: victim }).then((memory) => memory.validTo === undefined, () => false);
            if (!still) failures.push(`${label}: forgot, retracted or superseded a memory beyond its reach`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The check means something: keys that reach a tenant do find its secret through recall.
    expect(shown).toBeGreaterThan(10);
    expect(calls).toBeGreaterThan(500);
  }, 240_000);

  it('wrote nothing where a key may not write, and left every planted record as it was', async () => {
    for (const tenant of tenants) {
      expect(await plantedState(send, ADMIN_KEY, tenant), tenant.label).toBe(planted.get(tenant.label));
      const records = await recordsIn(send, ADMIN_KEY, tenant.namespace);
      for (const record of records) {
        const item = record.tier === 'memories'
          ? await memos.services.memories.get({ namespace: tenant.namespace, id: record.id })
          : await memos.services.episodes.get({ namespace: tenant.namespace, id: record.id });
        if (!/probe/.test(item.content)) continue;
        // A probe written here came from a key that reaches this namespace and user with write.
        const writers = actors.filter((actor) => actor.valid && roleAllows(actor, 'write') && reachesRecords(actor, tenant.namespace, item.userId));
        expect(writers.length, `${record.id} in ${tenant.namespace} for ${item.userId}`).toBeGreaterThan(0);
      }
    }
  });

  it('wrote no secret word, key or memory text into any log line or audit entry', async () => {
    await memos.services.audit.flush();
    const text = logs.raw();
    expect(text).toContain('"msg":"audit"');
    for (const tenant of tenants) expect(text).not.toContain(tenant.secret);
    for (const actor of actors) if (actor.key !== undefined) expect(text).not.toContain(actor.key.slice(-20));
    const audit = JSON.stringify((await memos.services.audit.list({ filter: {}, limit: 10_000 })).items);
    expect(audit).toContain('mcp/recall');
    for (const tenant of tenants) expect(audit).not.toContain(tenant.secret);
  });
});
