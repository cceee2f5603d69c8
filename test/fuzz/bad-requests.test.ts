// Property-based fuzzing of every route in /openapi.json: bad requests of every kind answer below
// 500, as problem+json, in valid Unicode, and a refused write leaves the store as it was.
// MEMOS_FUZZ_SEED replays a run; MEMOS_FUZZ_RUNS changes its length (2,000 by default).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../src/core/ids.js';
import type { SessionKey } from '../../src/core/ports.js';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { startTestMemos, testBackend, type TestMemos } from '../support/test-memos.js';
import { badRequests, describeCase, type FuzzCase } from './bad-requests.js';
import { operationsOf, type Operation } from './openapi-operations.js';
import { RAW_CASES, sendRaw } from './raw-http.js';
import type { ValueContext } from './schema-values.js';
import { storeFingerprint, type StoreFingerprint } from './store-fingerprint.js';
import { loneSurrogateIn, Tally } from './tally.js';

const SEED = Number(process.env.MEMOS_FUZZ_SEED ?? 20_261_206);
const RUNS = Number(process.env.MEMOS_FUZZ_RUNS ?? 2_000);
const NAMESPACES = ['fuzz', 'fuzz-b', 'default'];
const WRITES = /^\/api\/v1\/(sessions|episodes|memories)(\/|\?|$)/;

let memos: TestMemos;
let fingerprint: StoreFingerprint;
let operations: Operation[];
let context: ValueContext;
const tally = new Tally();

beforeAll(async () => {
  memos = await startTestMemos(
    {
      MEMOS_MAX_CONTENT_BYTES: '256',
      MEMOS_MAX_METADATA_BYTES: '512',
      MEMOS_MAX_METADATA_DEPTH: '4',
      MEMOS_MAX_STATE_BYTES: '1024',
      MEMOS_MAX_BATCH_ITEMS: '8',
      // No sweep promotes an expired session while a case compares the store before and after.
      MEMOS_SESSION_SWEEP_SECONDS: '86400',
      // A key the fuzzer makes through /api/v1/admin/keys must not make the later cases 401s (the leakage suite covers keys).
      MEMOS_AUTH: 'off',
    },
    undefined,
    createHashProvider({ dimensions: 16, model: 'hash-16' }),
  );
  const memories = await memos.json('POST', '/api/v1/memories', { namespace: 'fuzz', memories: [{ content: 'Likes green tea' }, { content: 'Lives in Lyon', metadata: { a: 1 } }] });
  const episodes = await memos.json('POST', '/api/v1/episodes', { namespace: 'fuzz', sessionId: 's1', episodes: [{ kind: 'observation', content: 'Asked about tea' }] });
  await memos.json('PUT', '/api/v1/sessions/s1', { namespace: 'fuzz', messages: [{ role: 'user', content: 'hello' }], state: { step: 1 } });
  const ids = [...memories.body.results.map((r: { id: string }) => r.id), ...episodes.body.ids, 's1', 's2'];
  context = { namespaces: NAMESPACES, ids, models: ['hash-16', 'other-model', ''], contentBytes: 256 };
  operations = operationsOf((await memos.json('GET', '/openapi.json')).body);
  fingerprint = await storeFingerprint(memos);
});

afterAll(async () => {
  await fingerprint?.close();
  await memos?.close();
  if (tally.cases > 0) console.log(tally.summary(`fuzz (${testBackend}, seed ${SEED})`));
});

describe('bad requests on every route of /openapi.json', () => {
  it('derives a generator for every operation', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.filter((operation) => operation.body !== undefined).length).toBeGreaterThanOrEqual(10);
  });

  it(`answers ${RUNS} generated bad requests below 500, as problem+json, and writes nothing for a refused write`, async () => {
    const started = Date.now();
    // Built once per operation: the catalogues hold large values (wide objects, long arrays).
    // Operations that take a body have the most to refuse: they get three times the cases.
    const cases = fc.oneof(...operations.map((operation) => ({ weight: operation.body === undefined ? 1 : 3, arbitrary: badRequests(operation, context) })));
    await fc.assert(
      fc.asyncProperty(cases, async (fuzz) => {
        const writes = !['GET', 'HEAD', 'OPTIONS'].includes(fuzz.request.method) && WRITES.test(fuzz.request.url);
        const session = sessionOf(fuzz);
        const before = writes ? await fingerprint.read(session) : '';
        const response = await memos.request({ method: fuzz.request.method as 'GET', url: fuzz.request.url, headers: fuzz.request.headers, ...(fuzz.request.payload === undefined ? {} : { payload: fuzz.request.payload }) });
        tally.add(fuzz.fault, `${fuzz.operation.method} ${fuzz.operation.path}`, response.statusCode);
        const what = `${describeCase(fuzz.fault, fuzz.request)}\n→ ${response.statusCode} ${response.body.slice(0, 300)}`;
        expect(response.statusCode, what).toBeLessThan(500);
        if (response.statusCode >= 400 && fuzz.request.method !== 'HEAD') {
          expect(response.headers['content-type'], what).toContain('application/problem+json');
          expect(response.json(), what).toMatchObject({ status: response.statusCode, code: expect.stringMatching(/^E_/), detail: expect.any(String) });
        }
        const type = String(response.headers['content-type']);
        if (type.includes('json') && response.body !== '') {
          // An export answers NDJSON: a JSON value per line.
          const values = type.includes('ndjson') ? response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown) : [JSON.parse(response.body) as unknown];
          expect(values.some(loneSurrogateIn), `a lone surrogate in the answer: ${what}`).toBe(false);
        }
        if (writes && response.statusCode >= 400) expect(await fingerprint.read(session), `a refused write changed the store: ${what}`).toBe(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    tally.seconds += (Date.now() - started) / 1000;
    expect(tally.classes.get('2xx') ?? 0).toBeGreaterThan(RUNS / 20);
    expect(tally.classes.get('4xx') ?? 0).toBeGreaterThan(RUNS / 2);
    for (const operation of operations) expect(tally.operations.has(`${operation.method} ${operation.path}`), `${operation.method} ${operation.path} was never fuzzed`).toBe(true);
  }, 600_000);

  it(`answers ${RAW_CASES.length} raw requests over a loopback socket below 500`, async () => {
    const started = Date.now();
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const address = memos.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    for (const raw of RAW_CASES) {
      const before = await fingerprint.read();
      const status = await sendRaw(port, raw.bytes);
      tally.add('raw socket', `raw: ${raw.name}`, status ?? 0);
      // No answer at all (the connection closed) is acceptable for bytes that are not HTTP.
      if (status !== undefined) expect(status, raw.name).toBeLessThan(500);
      if (status === undefined || status >= 400) expect(await fingerprint.read(), `a refused raw request changed the store: ${raw.name}`).toBe(before);
    }
    tally.seconds += (Date.now() - started) / 1000;
  }, 120_000);
});

/** The session a session route names, when its id and namespace are ids: read before and after the write. */
function sessionOf(fuzz: FuzzCase): SessionKey | undefined {
  const match = /^\/api\/v1\/sessions\/([^/?]+)/.exec(fuzz.request.url);
  if (match === null) return undefined;
  let sessionId: string;
  try {
    sessionId = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  let namespace: unknown = new URLSearchParams(fuzz.request.url.split('?')[1] ?? '').get('namespace') ?? 'default';
  try {
    const body: unknown = JSON.parse(String(fuzz.request.payload ?? ''));
    if (typeof body === 'object' && body !== null && 'namespace' in body) namespace = body.namespace;
  } catch {
    // not JSON: the namespace stays the query's or the default
  }
  return typeof namespace === 'string' && ID_PATTERN.test(namespace) && ID_PATTERN.test(sessionId) ? { namespace, sessionId } : undefined;
}
