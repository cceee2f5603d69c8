// The leakage suite: for every route in /openapi.json, every key (each role in one namespace, keys
// bound to a user, keys of every namespace, and keys memOS must refuse) and every target (each
// tenant of two namespaces and their users, each namespace, or none), the requests that aim the
// route at the target. A request beyond the key's reach is refused (401, 403) or answers as
// missing (404, word for word; 409 for a write to a session id another user holds); no answer,
// allowed or not, holds a word, record id or key the key may not reach; and afterwards every
// record beyond each key's reach is as it was planted.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, testBackend, type TestMemos } from '../support/test-memos.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';
import { makeActors, reachesRecords, type Actor } from './actors.js';
import { expectationOf, forbiddenFor, problemsOf, workingNamespace, type Expected } from './case-checks.js';
import { bearer, must, sender, type Answer, type Send, type Sent } from './leak-api.js';
import { ROUTE_CASES, type LeakRequest, type RouteCase, type Served, type Target, type TargetIds } from './route-cases.js';
import { freshRecord, NAMESPACE_A, NAMESPACE_B, NAMESPACES, plantedState, plantTenants, randomWord, recordsIn, USER_2, type Tenant } from './tenants.js';

const ADMIN_KEY = `leakage-admin-${randomBytes(24).toString('hex')}`;
/** Routes memOS serves that /openapi.json leaves out (`/docs` aside). */
const HIDDEN_ROUTES = ['GET /openapi.json'];
/** The suite runs at least this many (route, key, target) cases. */
const CASE_FLOOR = 1_500;

let memos: TestMemos;
let send: Send;
let actors: Actor[];
let tenants: Tenant[];
let served: Served;
/** `METHOD path` of each route /openapi.json lists. */
let documented: string[];
const planted = new Map<string, string>();

/** What the cases did, for the checks that follow them. */
const ledger = {
  cases: 0,
  requests: 0,
  /** Allowed reads whose answers had to show the target's records, and did. */
  shown: 0,
  statuses: new Map<string, number>(),
  /** Memory and episode ids made by allowed requests, and the key that made each. */
  createdBy: new Map<string, Actor>(),
  /** `namespace/sessionId` of sessions allowed requests wrote. */
  sessionsWritten: new Set<string>(),
  /** Session ids that refused requests named. */
  sessionsRefused: new Set<string>(),
  keysMade: new Set<string>(),
  /** Whole keys memOS made in answers: no other answer may hold them. */
  keys: new Set<string>(),
};

beforeAll(async () => {
  if (!haveModel) return;
  memos = await startTestMemos({
    MEMOS_ADMIN_KEY: ADMIN_KEY,
    MEMOS_EMBEDDER: 'model2vec',
    MEMOS_MODEL2VEC_PATH: MODEL_PATH,
    // No sweep promotes an expired session while the suite runs.
    MEMOS_SESSION_SWEEP_SECONDS: '86400',
  });
  send = sender(memos);
  actors = await makeActors(send, ADMIN_KEY);
  tenants = await plantTenants(send, ADMIN_KEY);
  for (const actor of actors) if (actor.key !== undefined && actor.valid) ledger.keys.add(actor.key);
  ledger.keys.add(ADMIN_KEY);
  for (const tenant of tenants) planted.set(tenant.label, await plantedState(send, ADMIN_KEY, tenant));
  served = { model: (await must(send, ADMIN_KEY, 'GET', '/v1/models')).json.data[0].id };
  const document = (await must(send, ADMIN_KEY, 'GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(document.paths)
    .filter(([path]) => path !== '/docs' && !path.startsWith('/docs/'))
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}, 60_000);

afterAll(async () => {
  await memos?.close();
});

function targetsOf(row: RouteCase): Target[] {
  if (row.targets === 'none') return [{ kind: 'none', label: '-' }];
  if (row.targets === 'namespaces') {
    return [...[NAMESPACE_A, NAMESPACE_B].map((namespace): Target => ({ kind: 'namespace', label: namespace, namespace })), { kind: 'namespace', label: 'no namespace named', namespace: undefined }];
  }
  return tenants.map((tenant): Target => ({
    kind: 'tenant',
    label: tenant.label,
    namespace: tenant.namespace,
    tenant,
    ids: { memoryId: tenant.memoryIds[0]!, episodeId: tenant.episodeIds[0]!, sessionId: tenant.sessionId, keyId: tenant.victimKeyId },
  }));
}

const FRESH_ID: Record<NonNullable<RouteCase['fresh']>, keyof TargetIds> = { memory: 'memoryId', episode: 'episodeId', session: 'sessionId', key: 'keyId' };

/** The request as sent: the namespace in the body, the query or X-Memos-Namespace, with the actor's key as a bearer or (every other request) in X-API-Key. */
function compose(request: LeakRequest, actor: Actor, way: Way): Sent {
  const query = new URLSearchParams({ ...request.query, ...(way === 'query' ? { namespace: request.namespace! } : {}) }).toString();
  const body = request.body === undefined ? undefined : { ...request.body, ...(way === 'body' ? { namespace: request.namespace } : {}) };
  return {
    method: request.method,
    url: `${request.path}${query === '' ? '' : `?${query}`}`,
    headers: {
      ...(ledger.requests % 2 === 0 || actor.key === undefined ? bearer(actor.key) : { 'x-api-key': actor.key }),
      ...(way === 'header' ? { 'x-memos-namespace': request.namespace! } : {}),
      ...(request.ndjson === undefined ? {} : { 'content-type': 'application/x-ndjson' }),
    },
    ...(body === undefined ? {} : { payload: body }),
    ...(request.ndjson === undefined ? {} : { payload: request.ndjson }),
  };
}

type Way = 'body' | 'query' | 'header' | 'none' | 'omitted';

/**
 * The ways a request is sent: a request that must be refused sends its namespace every way (body,
 * query, X-Memos-Namespace); an allowed one, one way in turn. A read, and a change by id that must
 * not be made, are sent once more naming no namespace, so that they work in the key's own (where a
 * record of another namespace is missing).
 */
function waysOf(row: RouteCase, actor: Actor, request: LeakRequest, target: Target, expected: Expected): Way[] {
  if (request.namespace === undefined) return ['none'];
  const ways: Way[] = [...(request.body === undefined ? [] : (['body'] as const)), 'query', 'header'];
  const unnamed = { ...request, namespace: undefined };
  const omit = row.needs === 'read' || (request.byId === true && expectationOf(row, actor, unnamed, retarget(target, workingNamespace(row, actor, unnamed), unnamed)) !== 'allowed');
  return [...(expected === 'allowed' ? [ways[ledger.requests % ways.length]!] : ways), ...(omit ? (['omitted'] as const) : [])];
}

/**
 * The tenant a request that names no namespace reaches: the target's, or, where it works in
 * another namespace, the tenant there whose session has the same id (session ids repeat across
 * namespaces: `chat-u1` is a session of each namespace's u1).
 */
function retarget(target: Target, working: string, request: LeakRequest): Target {
  if (target.kind !== 'tenant' || working === target.namespace || !request.path.includes(`/sessions/${target.ids.sessionId}`)) return target;
  const namesake = tenants.find((tenant) => tenant.namespace === working && tenant.sessionId === target.ids.sessionId);
  return namesake === undefined ? target : { ...target, label: `${target.label} (as ${namesake.label})`, namespace: namesake.namespace, tenant: namesake };
}

/** An id of the same shape that names no record. */
const missingId = (id: string) => `${id.slice(0, -4)}zzzz`;

/** A problem answer with the record id, request id and instance taken out: what a 404 says beyond the status. */
function problemShape(answer: Answer, id: string): string {
  const { requestId: _requestId, instance: _instance, ...rest } = answer.json ?? {};
  return JSON.stringify(rest).replaceAll(id, 'ID');
}

/** Notes what an allowed answer made, so that the checks afterwards know it was allowed. */
function noteAllowed(row: RouteCase, actor: Actor, request: LeakRequest, answer: Answer): void {
  const json = answer.json ?? {};
  for (const id of [...(Array.isArray(json.ids) ? json.ids : []), ...(Array.isArray(json.promotedEpisodeIds) ? json.promotedEpisodeIds : [])]) ledger.createdBy.set(id, actor);
  // An import that created records (201) made those its lines name.
  if (request.ndjson !== undefined && answer.status === 201) {
    for (const line of request.ndjson.split('\n')) {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === 'string') ledger.createdBy.set(id, actor);
    }
  }
  if (typeof json.key === 'string') {
    ledger.keys.add(json.key);
    ledger.keysMade.add(json.id);
  }
  const session = /^\/api\/v1\/sessions\/([^/]+)/.exec(request.path)?.[1];
  if (session !== undefined && request.method !== 'GET') ledger.sessionsWritten.add(`${workingNamespace(row, actor, request)}/${session}`);
}

/**
 * Sends one request of a case every way it must go, checks each answer, and notes what allowed
 * answers made; the problems found, each naming the way and method.
 */
async function sendEveryWay(row: RouteCase, actor: Actor, target: Target, planned: LeakRequest): Promise<string[]> {
  let request = planned;
  const expected = expectationOf(row, actor, request, target);
  // An allowed change gets a fresh record of the target's, so that planted records stay as planted.
  if (expected === 'allowed' && row.fresh !== undefined && target.kind === 'tenant' && JSON.stringify(request).includes(target.ids[FRESH_ID[row.fresh]])) {
    const ids = { ...target.ids, [FRESH_ID[row.fresh]]: await freshRecord(send, ADMIN_KEY, target.tenant, row.fresh) };
    request = row.requests({ ...target, ids }, served).find((other) => other.variant === planned.variant)!;
  }
  const forbidden = forbiddenFor(actor, tenants, [...ledger.keys, ...tenants.flatMap((tenant) => [...tenant.fresh.keySecrets])]);
  const problems: string[] = [];
  for (const way of waysOf(row, actor, request, target, expected)) {
    const sending = way === 'omitted' ? { ...request, namespace: undefined } : request;
    const aimed = way === 'omitted' ? retarget(target, workingNamespace(row, actor, sending), sending) : target;
    const sent = compose(sending, actor, way);
    for (const method of sent.method === 'GET' ? (['GET', 'HEAD'] as const) : [sent.method]) {
      const fail = (problem: string) => problems.push(`namespace ${way === 'none' || way === 'omitted' ? way : `via ${way}`} · ${method}: ${problem}`);
      const exchange = { row, actor, request: sending, target: aimed, sent: { ...sent, method }, expected: expectationOf(row, actor, sending, aimed), answer: await send({ ...sent, method }) };
      ledger.requests++;
      const status = String(exchange.answer.status);
      ledger.statuses.set(status, (ledger.statuses.get(status) ?? 0) + 1);
      if (exchange.expected === 'allowed' && exchange.answer.status < 300) noteAllowed(row, actor, sending, exchange.answer);
      else if (request.path.startsWith('/api/v1/sessions/')) ledger.sessionsRefused.add(request.path.split('/')[4]!);
      const found = problemsOf(exchange, forbidden);
      found.forEach(fail);
      if (found.length === 0 && exchange.expected === 'allowed' && sending.shows && aimed.kind === 'tenant' && exchange.answer.text.includes(aimed.tenant.secret)) ledger.shown++;
      // A record beyond reach answers exactly as one that does not exist.
      const named = target.kind === 'tenant' ? Object.values(target.ids).find((id) => sent.url.includes(id)) : undefined;
      if (exchange.answer.status === 404 && method !== 'HEAD' && named !== undefined) {
        const missing = await send({ ...sent, method, url: sent.url.replace(named, missingId(named)) });
        ledger.requests++;
        const [beyond, absent] = [problemShape(exchange.answer, named), problemShape(missing, missingId(named))];
        if (beyond !== absent) fail(`a 404 for a record beyond reach differs from one for a missing record: ${beyond} vs ${absent}`);
      }
    }
  }
  return problems;
}

describe.skipIf(!haveModel)(`leakage across namespaces, users and roles (${testBackend})`, () => {
  it('has a request builder for every route of /openapi.json', () => {
    const missing = documented.filter((route) => ROUTE_CASES[route] === undefined);
    expect(missing, 'routes without a row in test/leakage/route-cases.ts').toEqual([]);
    const stale = Object.entries(ROUTE_CASES).filter(([route, row]) => !documented.includes(route) && !HIDDEN_ROUTES.includes(route) && row.pending !== true);
    expect(stale.map(([route]) => route), 'rows for routes memOS no longer serves').toEqual([]);
  });

  it('lets no key read, list, find, change or delete what it may not', async () => {
    const started = Date.now();
    const failures: string[] = [];
    const routes = [...documented, ...HIDDEN_ROUTES].filter((route) => ROUTE_CASES[route] !== undefined);
    for (const route of routes) {
      const row = ROUTE_CASES[route]!;
      for (const actor of actors) {
        for (const target of targetsOf(row)) {
          ledger.cases++;
          for (const request of row.requests(target, served)) {
            if (request.beyondReachOnly && target.kind === 'tenant' && reachesRecords(actor, target.tenant.namespace, target.tenant.userId)) continue;
            const problems = await sendEveryWay(row, actor, target, request);
            failures.push(...problems.map((problem) => `${route} · key ${actor.name} · target ${target.label} · ${request.variant} · ${problem}`));
          }
        }
      }
    }
    const statuses = [...ledger.statuses].sort().map(([status, count]) => `${count}×${status}`).join(', ');
    console.log(
      `leakage (${testBackend}): ${ledger.cases} (route, key, target) cases over ${routes.length} routes, ${actors.length} keys and ${tenants.length} tenants; ${ledger.requests} requests (${statuses}; ${ledger.shown} allowed reads shown to hold the target's records) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const byRoute = new Map<string, number>();
    for (const failure of failures) byRoute.set(failure.split(' · ')[0]!, (byRoute.get(failure.split(' · ')[0]!) ?? 0) + 1);
    expect(failures.slice(0, 40), `${failures.length} failures (${[...byRoute].map(([route, count]) => `${route}: ${count}`).join('; ')})`).toEqual([]);
    expect(ledger.cases).toBeGreaterThan(CASE_FLOOR);
    expect(ledger.shown).toBeGreaterThan(100);
  }, 180_000);

  it("leaves every record beyond each key's reach as it was: same content, versions and count", async () => {
    const problems: string[] = [];
    for (const tenant of tenants) {
      if ((await plantedState(send, ADMIN_KEY, tenant)) !== planted.get(tenant.label)) problems.push(`the planted records of ${tenant.label} changed`);
    }
    // Every memory and episode is planted, fresh, or made by an allowed request of a key that reaches it.
    const known = new Map<string, Tenant>();
    for (const tenant of tenants) for (const id of [...tenant.memoryIds, ...tenant.episodeIds, ...tenant.fresh.records]) known.set(id, tenant);
    for (const namespace of NAMESPACES) {
      for (const record of await recordsIn(send, ADMIN_KEY, namespace)) {
        const owner = known.get(record.id);
        if (owner !== undefined) {
          if (owner.namespace !== namespace || owner.userId !== record.userId) problems.push(`${record.tier} ${record.id} of ${owner.label} moved to ${namespace}/${record.userId ?? 'no-user'}`);
          continue;
        }
        const maker = ledger.createdBy.get(record.id);
        if (maker === undefined || !reachesRecords(maker, namespace, record.userId) || maker.role === 'read') {
          problems.push(`${record.tier} ${record.id} in ${namespace}/${record.userId ?? 'no-user'} was made by ${maker === undefined ? 'a refused request' : `${maker.name}, which does not reach it`}`);
        }
      }
    }
    // A session a refused request named exists only where it was planted or an allowed request wrote it.
    const plantedSessions = new Set(tenants.map((tenant) => `${tenant.namespace}/${tenant.sessionId}`));
    const freshSessions = new Set(tenants.flatMap((tenant) => [...tenant.fresh.sessions].map((id) => `${tenant.namespace}/${id}`)));
    for (const sessionId of ledger.sessionsRefused) {
      for (const namespace of NAMESPACES) {
        const where = `${namespace}/${sessionId}`;
        if (plantedSessions.has(where) || freshSessions.has(where) || ledger.sessionsWritten.has(where)) continue;
        const found = await send({ method: 'GET', url: `/api/v1/sessions/${sessionId}?namespace=${namespace}`, headers: bearer(ADMIN_KEY) });
        if (found.status !== 404) problems.push(`session ${where} exists (${found.status}), made by a refused request`);
      }
    }
    // Keys: none revoked but by an allowed request, none made but by one.
    const { json } = await must(send, ADMIN_KEY, 'GET', '/api/v1/admin/keys');
    const listed = new Map<string, { revokedAt?: string }>(json.items.map((key: { id: string; revokedAt?: string }) => [key.id, key]));
    for (const tenant of tenants) {
      if (listed.get(tenant.victimKeyId)?.revokedAt !== undefined) problems.push(`the key of ${tenant.label} was revoked`);
    }
    // The actors' keys and the revoked one, a victim per tenant, fresh victims, and those allowed requests made.
    const actorKeys = actors.filter((actor) => actor.valid && actor.name !== 'admin-env').length + 1;
    const madeKeys = actorKeys + tenants.length + tenants.reduce((sum, tenant) => sum + tenant.fresh.keys.size, 0) + ledger.keysMade.size;
    if (listed.size !== madeKeys) problems.push(`${listed.size} keys exist, ${madeKeys} were made by setup and allowed requests`);
    expect(problems).toEqual([]);
  });

  it("tells no user-bound key which texts its namespace's other users embedded", async () => {
    const key = (name: string) => actors.find((actor) => actor.name === name)!.key!;
    const embed = async (actor: string, text: string) => (await must(send, key(actor), 'POST', '/api/v1/embeddings', { namespace: NAMESPACE_A, text })).json.cached as boolean;
    const batchHits = async (actor: string, texts: string[]) => (await must(send, key(actor), 'POST', '/api/v1/embeddings/batch', { namespace: NAMESPACE_A, texts })).json.cache.hits as number;
    // The second user writes two memories: their texts are embedded, and cached, in namespace A.
    const [single, batched] = [`Keeps the spare key under the ${randomWord('pot')}`, `Parks on level ${randomWord('lvl')}`];
    await must(send, ADMIN_KEY, 'POST', '/api/v1/memories', { namespace: NAMESPACE_A, userId: USER_2, memories: [{ content: single }, { content: batched }] });
    // A key of u1 cannot learn from the cache that someone embedded them…
    expect(await embed('read-a-u1', single)).toBe(false);
    expect(await batchHits('write-a-u1', [batched])).toBe(0);
    // …while a key of the whole namespace, which reaches those memories anyway, shares the namespace's cache.
    expect(await embed('read-a', single)).toBe(true);
    expect(await embed('read-a-u1', single)).toBe(true);
  });

  it('lets a namespace-limited admin clear the caches of its namespace only', async () => {
    const adminA = actors.find((actor) => actor.name === 'admin-a')!.key!;
    const usage = async (namespace: string) => {
      const { json } = await must(send, ADMIN_KEY, 'GET', `/api/v1/cache/stats?namespace=${namespace}`);
      return { embeddings: json.caches.embeddings.entries as number, responses: json.caches.responses.entries as number };
    };
    for (const namespace of [NAMESPACE_A, NAMESPACE_B]) {
      await must(send, ADMIN_KEY, 'POST', '/api/v1/search', { namespace, query: `warm ${randomWord('cache')}`, mode: 'hybrid' });
      await must(send, ADMIN_KEY, 'POST', '/api/v1/embeddings', { namespace, text: `warm ${randomWord('cache')}` });
    }
    const before = await usage(NAMESPACE_B);
    expect(before.embeddings).toBeGreaterThan(0);
    expect(before.responses).toBeGreaterThan(0);
    // Naming no namespace, the key works in its only one.
    await must(send, adminA, 'DELETE', '/api/v1/cache');
    await must(send, adminA, 'POST', '/api/v1/embeddings/cache/clear', {});
    expect(await usage(NAMESPACE_A)).toEqual({ embeddings: 0, responses: 0 });
    expect(await usage(NAMESPACE_B)).toEqual(before);
  });
});
