// Fuzzing `POST /mcp`: bodies that are not JSON-RPC answer 4xx, and JSON-RPC calls with arbitrary
// methods and tool arguments answer below 500, with a JSON-RPC error or a tool error that is never
// an internal failure. A bounded number of cases (MEMOS_FUZZ_RUNS, default 2,000, divided by 5).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { GENERIC_FAILURE } from '../../src/mcp/tool-runner.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';

const SEED = Number(process.env.MEMOS_FUZZ_SEED ?? 20_261_206);
const RUNS = Math.max(50, Math.floor(Number(process.env.MEMOS_FUZZ_RUNS ?? 2_000) / 5));
const TOOLS = ['remember', 'recall', 'get_context', 'record_episode', 'append_session_messages', 'forget', 'list_memories', 'retract_memory', 'list_conflicts', 'no_such_tool'];
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let memos: TestMemos;
beforeAll(async () => {
  memos = await startTestMemos({ MEMOS_MAX_CONTENT_BYTES: '256', MEMOS_MAX_BATCH_ITEMS: '8', MEMOS_AUTH: 'off' }, undefined, createHashProvider({ dimensions: 16, model: 'hash-16' }));
});
afterAll(async () => {
  await memos?.close();
});

/** Bodies that cannot be a JSON-RPC message: not JSON, cut short, or JSON that is no object. */
const notJsonRpc = fc.oneof(
  fc.string().filter((text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value !== 'object' || value === null;
    } catch {
      return true;
    }
  }),
  fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1)).filter((text) => text.length > 0),
  fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([])).map((value) => JSON.stringify(value)),
);

const scopeValue = fc.oneof(fc.constant('fuzz-mcp'), fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null));
/** Tool arguments: arbitrary JSON, or near-valid objects with one field gone wrong. */
const toolArguments = fc.oneof(
  fc.jsonValue(),
  fc.record({
    namespace: scopeValue,
    query: fc.oneof(fc.string({ maxLength: 5000 }), fc.jsonValue()),
    content: fc.string({ maxLength: 400 }),
    memories: fc.oneof(fc.array(fc.record({ content: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()), importance: fc.oneof(fc.double(), fc.string()) }), { maxLength: 12 }), fc.jsonValue()),
    messages: fc.array(fc.record({ role: fc.oneof(fc.constant('user'), fc.string()), content: fc.string({ maxLength: 300 }) }), { maxLength: 10 }),
    kind: fc.oneof(fc.constant('intervention'), fc.string({ maxLength: 80 })),
    id: fc.oneof(fc.string({ maxLength: 200 }), fc.integer()),
    sessionId: scopeValue,
    limit: fc.oneof(fc.integer(), fc.double(), fc.string()),
    tokenBudget: fc.oneof(fc.integer(), fc.string()),
    filters: fc.jsonValue(),
  }, { requiredKeys: [] }),
);
const jsonRpc = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string()), method: fc.constant('tools/call'), params: fc.record({ name: fc.constantFrom(...TOOLS), arguments: toolArguments }, { requiredKeys: ['name'] }) }),
  fc.record({ jsonrpc: fc.oneof(fc.constant('2.0'), fc.string()), id: fc.jsonValue(), method: fc.oneof(fc.constantFrom('tools/list', 'resources/read', 'prompts/get', 'initialize', 'ping'), fc.string()), params: fc.jsonValue() }, { requiredKeys: [] }),
);

describe('bad requests to /mcp', () => {
  it(`answers ${RUNS} bodies that are not JSON-RPC with 4xx problem+json`, async () => {
    await fc.assert(
      fc.asyncProperty(notJsonRpc, async (payload) => {
        const response = await memos.request({ method: 'POST', url: '/mcp', headers: HEADERS, payload });
        const what = `${JSON.stringify(payload).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
        expect(response.statusCode, what).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, what).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);

  it(`answers ${RUNS} JSON-RPC calls with arbitrary methods and arguments below 500, never with an internal failure`, async () => {
    let toolErrors = 0;
    await fc.assert(
      fc.asyncProperty(jsonRpc, async (message) => {
        const response = await memos.request({ method: 'POST', url: '/mcp', headers: HEADERS, payload: JSON.stringify(message) });
        const what = `${JSON.stringify(message).slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
        expect(response.statusCode, what).toBeLessThan(500);
        expect(response.body, what).not.toContain(GENERIC_FAILURE);
        if (response.statusCode === 200 && response.body.includes('"isError":true')) toolErrors++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(toolErrors).toBeGreaterThan(RUNS / 10);
  }, 240_000);
});
