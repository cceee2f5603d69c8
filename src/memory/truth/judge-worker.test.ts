// The LLM judge in the background, through a real memOS (real SQLite, or PostgreSQL under the
// server project) and a local server that speaks the chat-completions protocol, failures included.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider } from '../../embeddings/fake/index.js';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatRequestIn } from '../../../test/support/chat-completions-server.js';
import { logSink } from '../../../test/support/log-sink.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

const NAMESPACE = 'default';
const REASON = 'Aisha moved: a newer home city.';

/** What the stand-in model says of a new memory against each candidate, by the new memory's words. */
function relationOf(text: string): string {
  if (text.includes('Nairobi')) return 'supersedes';
  if (text.includes('vegan diet')) return 'duplicate';
  if (text.includes('hates tea')) return 'contradicts';
  return 'unrelated';
}

function respond(request: ChatRequestIn) {
  const question = JSON.parse(request.messages[1]!.content) as { new: { text: string }; existing: Array<{ id: string }> };
  return {
    verdicts: question.existing.map(({ id }) => ({
      candidateId: id,
      relation: relationOf(question.new.text),
      confidence: 0.9,
      // A reason with a line break and a control character, as a model may write one.
      reason: `${REASON}\n\u0007(checked)`,
    })),
  };
}

let chat: ChatCompletionsServer;
let memos: TestMemos | undefined;
let logs: ReturnType<typeof logSink>;
beforeAll(async () => {
  chat = await startChatCompletionsServer({ respond });
});
afterAll(async () => {
  await chat.close();
});
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

async function start(env: Record<string, string> = {}): Promise<TestMemos> {
  logs = logSink();
  memos = await startTestMemos(
    { MEMOS_LLM_URL: chat.baseUrl, MEMOS_LLM_MODEL: 'judge-model', MEMOS_LLM_TIMEOUT_MS: '400', MEMOS_RELATED_THRESHOLD: '0.3', ...env },
    undefined,
    createHashProvider({ dimensions: 256, model: 'hash-a' }),
    logs.stream,
  );
  return memos;
}

/** Writes `older`, then `newer` for the same user; answers both memories' ids and how long the second write took. */
async function writePair(m: TestMemos, older: string, newer: string, userId = 'aisha') {
  const [first] = await m.services.memories.upsert(NAMESPACE, [{ content: older, userId }]);
  await m.services.truth.drain();
  const started = performance.now();
  const [second] = await m.services.memories.upsert(NAMESPACE, [{ content: newer, userId }]);
  const writeMs = performance.now() - started;
  expect(second!.related.map((one) => one.id)).toEqual([first!.memory.id]);
  return { olderId: first!.memory.id, newerId: second!.memory.id, writeMs };
}

const get = (m: TestMemos, id: string) => m.services.memories.get({ namespace: NAMESPACE, id });
const warnings = () => logs.lines.filter((line) => line.level === 40);

describe('the LLM judge in the background', () => {
  it('applies a supersedes verdict: the old memory ends, names its successor and keeps the cleaned reason; audited by ids', async () => {
    const m = await start();
    const { olderId, newerId } = await writePair(m, 'Aisha lives in Lagos', 'Aisha lives in Nairobi');
    await m.services.truth.drain();
    const older = await get(m, olderId);
    expect(older).toMatchObject({ supersededBy: newerId, supersessionReason: `judge: ${REASON} (checked)` });
    expect(older.validTo).toBeDefined();
    expect((await get(m, newerId)).validTo).toBeUndefined();
    expect((await get(m, newerId)).supersedes).toContain(olderId);
    await m.services.audit.flush();
    const { items } = await m.services.audit.list({ filter: { action: 'memories.judge' }, limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ keyId: 'system', method: 'SYSTEM', namespace: NAMESPACE, userId: 'aisha', outcome: 'ok' });
    expect(items[0]!.recordIds!.sort()).toEqual([olderId, newerId].sort());
    // Ids and relations only in the logs: never a memory's text or the model's reason.
    expect(logs.raw()).not.toContain('Nairobi');
    expect(logs.raw()).not.toContain('newer home city');
    expect(logs.lines.find((line) => line.msg === 'LLM judge verdict applied')).toMatchObject({ memoryId: newerId, candidateId: olderId, relation: 'supersedes' });
  });

  it('applies a duplicate verdict: the older memory stays current and supersedes the new one', async () => {
    const m = await start();
    const { olderId, newerId } = await writePair(m, 'Aisha is vegan', 'Aisha eats a vegan diet');
    await m.services.truth.drain();
    expect((await get(m, olderId)).validTo).toBeUndefined();
    expect(await get(m, newerId)).toMatchObject({ supersededBy: olderId, supersessionReason: `judge: duplicate: ${REASON} (checked)` });
  });

  it('applies a contradicts verdict: both stay current and the pair is in the conflict list, marked by the judge', async () => {
    const m = await start();
    const { olderId, newerId } = await writePair(m, 'Aisha likes tea', 'Aisha hates tea');
    await m.services.truth.drain();
    expect((await get(m, olderId)).validTo).toBeUndefined();
    expect((await get(m, newerId)).conflicts).toContainEqual(expect.objectContaining({ memoryId: olderId, source: 'judge', reason: `judge: ${REASON} (checked)` }));
    const { items } = await m.services.memories.conflicts({ filter: { namespace: NAMESPACE }, limit: 10, order: 'asc' });
    expect(items.some((one) => one.memory.id === newerId && one.conflictsWith.id === olderId && one.source === 'judge')).toBe(true);
  });

  it('changes nothing for an unrelated verdict', async () => {
    const m = await start();
    const { olderId, newerId } = await writePair(m, 'Aisha plays chess', 'Aisha plays the violin');
    const before = await get(m, olderId);
    await m.services.truth.drain();
    expect(await get(m, olderId)).toEqual(before);
    expect((await get(m, newerId)).conflicts.filter((mark) => mark.source === 'judge')).toEqual([]);
    expect(m.services.truth.stats()).toMatchObject({ judged: 1, applied: 0, failed: 0 });
  });

  it('leaves the memories as written on a malformed answer, with a warning naming the failure', async () => {
    const m = await start();
    chat.fail({ kind: 'malformed-content' });
    const { olderId, newerId } = await writePair(m, 'Aisha lives in Lagos', 'Aisha lives in Nairobi');
    await m.services.truth.drain();
    expect((await get(m, olderId)).validTo).toBeUndefined();
    expect((await get(m, newerId)).validTo).toBeUndefined();
    expect(warnings()).toContainEqual(expect.objectContaining({ msg: 'LLM judge failed; the memory stays as written', code: 'E_UNAVAILABLE', failure: 'malformed', memoryId: newerId }));
    expect(m.services.truth.stats()).toMatchObject({ failed: 1, applied: 0 });
  });

  it('retries a 500 as the embedders do, then applies the verdict', async () => {
    const m = await start();
    const asked = chat.requests.length;
    chat.fail({ kind: 'status', status: 500 });
    const { olderId, newerId } = await writePair(m, 'Aisha lives in Lagos', 'Aisha lives in Nairobi');
    await m.services.truth.drain();
    expect(chat.requests.length - asked).toBe(2);
    expect((await get(m, olderId)).supersededBy).toBe(newerId);
  });

  it('gives up on a model that hangs past the timeout on every try, and the memory stays as written', async () => {
    const m = await start();
    chat.fail(...Array.from({ length: 4 }, () => ({ kind: 'delay' as const, ms: 3_000 })));
    const { olderId } = await writePair(m, 'Aisha lives in Lagos', 'Aisha lives in Nairobi');
    await m.services.truth.drain();
    expect((await get(m, olderId)).validTo).toBeUndefined();
    expect(warnings()).toContainEqual(expect.objectContaining({ msg: 'LLM judge failed; the memory stays as written', code: 'E_UNAVAILABLE', failure: 'timeout' }));
  }, 20_000);

  it('answers the write before the judge runs: a slow model adds nothing to the write', async () => {
    const m = await start({ MEMOS_LLM_TIMEOUT_MS: '5000' });
    chat.fail({ kind: 'delay', ms: 1_500 });
    const { olderId, newerId, writeMs } = await writePair(m, 'Aisha lives in Lagos', 'Aisha lives in Nairobi');
    expect(writeMs).toBeLessThan(1_000);
    expect((await get(m, olderId)).validTo).toBeUndefined();
    await m.services.truth.drain();
    expect((await get(m, olderId)).supersededBy).toBe(newerId);
  });
});

describe('without a chat model', () => {
  it('asks nothing and queues nothing', async () => {
    memos = await startTestMemos({ MEMOS_RELATED_THRESHOLD: '0.3' }, undefined, createHashProvider({ dimensions: 256, model: 'hash-a' }));
    const asked = chat.requests.length;
    await memos.services.memories.upsert(NAMESPACE, [{ content: 'Aisha lives in Lagos' }]);
    await memos.services.memories.upsert(NAMESPACE, [{ content: 'Aisha lives in Nairobi' }]);
    await memos.services.truth.drain();
    expect(memos.services.truth.stats()).toBeUndefined();
    expect(chat.requests.length).toBe(asked);
  });
});
