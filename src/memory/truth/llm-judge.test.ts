// The LLM judge against a local chat-completions server: what it asks (a system prompt, the memories
// as data under short labels, a strict JSON schema), how it reads the verdicts back onto memOS ids,
// and what it does with caps, invented ids, bad answers and an unreachable model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { MemosError } from '../../core/errors.js';
import { createChatClient } from '../../llm/chat-client.js';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatRequestIn } from '../../../test/support/chat-completions-server.js';
import { createLlmJudge, JUDGE_SYSTEM_PROMPT, llmJudgeFromConfig, type JudgeCandidate } from './llm-judge.js';

interface Question {
  new: { text: string; kind?: string };
  existing: Array<{ id: string; text: string; kind?: string; similarity?: number }>;
}
const questionOf = (request: ChatRequestIn) => JSON.parse(request.messages[1]!.content) as Question;

/**
 * The stand-in model's judgement, a few fixed rules so that answers follow from the question:
 * the same words are a duplicate, two places someone lives are a supersession, a negation of the
 * same words is a contradiction, anything else is unrelated.
 */
function judgeLikeAModel(request: ChatRequestIn) {
  const { new: incoming, existing } = questionOf(request);
  const words = (text: string) => text.toLowerCase().replace(/[^a-z ]/g, '').split(' ').filter((w) => !['not', 'no', 'never'].includes(w));
  return {
    verdicts: existing.map(({ id, text }) => {
      const same = words(text).join(' ') === words(incoming.text).join(' ');
      const negated = /\b(not|never)\b/.test(text) !== /\b(not|never)\b/.test(incoming.text);
      if (same && !negated) return { candidateId: id, relation: 'duplicate', confidence: 0.97, reason: 'Both say the same thing.' };
      if (same) return { candidateId: id, relation: 'contradicts', confidence: 0.8, reason: 'One is the negation of the other.' };
      if (/lives in/.test(text) && /lives in|moved to/.test(incoming.text)) return { candidateId: id, relation: 'supersedes', confidence: 0.9, reason: '  A newer home city\n for the same person. ' };
      return { candidateId: id, relation: 'unrelated', confidence: 0.6, reason: 'Different subjects.' };
    }),
  };
}

let server: ChatCompletionsServer;
beforeEach(async () => {
  server = await startChatCompletionsServer({ respond: judgeLikeAModel });
});
afterEach(() => server.close());

const judgeWith = (options: { maxCandidates?: number; maxTextChars?: number; retries?: number } = {}) =>
  createLlmJudge({
    client: createChatClient({ baseUrl: server.baseUrl, model: 'judge-test', baseDelayMs: 1, maxDelayMs: 5, ...(options.retries === undefined ? {} : { retries: options.retries }) }),
    ...options,
  });

const candidates: JudgeCandidate[] = [
  { id: 'mem_01HZX0AISHA0LAGOS', text: 'Aisha lives in Lagos', kind: 'fact', similarity: 0.8312 },
  { id: 'mem_01HZX0AISHA0VEGAN', text: 'Aisha is vegan', kind: 'preference', similarity: 0.41 },
  { id: 'mem_01HZX0AISHA0NAIRO', text: 'Aisha moved to Nairobi!', kind: 'fact', similarity: 0.77 },
  { id: 'mem_01HZX0AISHA0NOTNA', text: 'Aisha never moved to Nairobi', kind: 'fact' },
];

describe('LLM judge', () => {
  it('asks with a system prompt, the memories as labelled data and a strict schema, and maps verdicts back to memory ids', async () => {
    const result = await judgeWith().judge({ incoming: { text: 'Aisha moved to Nairobi', kind: 'fact' }, candidates });
    expect(result).toEqual({
      verdicts: [
        { candidateId: 'mem_01HZX0AISHA0LAGOS', relation: 'supersedes', confidence: 0.9, reason: 'A newer home city for the same person.' },
        { candidateId: 'mem_01HZX0AISHA0VEGAN', relation: 'unrelated', confidence: 0.6, reason: 'Different subjects.' },
        { candidateId: 'mem_01HZX0AISHA0NAIRO', relation: 'duplicate', confidence: 0.97, reason: 'Both say the same thing.' },
        { candidateId: 'mem_01HZX0AISHA0NOTNA', relation: 'contradicts', confidence: 0.8, reason: 'One is the negation of the other.' },
      ],
      dropped: 0,
      ignored: 0,
    });
    const [request] = server.requests;
    expect(request!.messages[0]).toEqual({ role: 'system', content: JUDGE_SYSTEM_PROMPT });
    expect(questionOf(request!)).toEqual({
      new: { text: 'Aisha moved to Nairobi', kind: 'fact' },
      existing: [
        { id: 'm1', text: 'Aisha lives in Lagos', kind: 'fact', similarity: 0.83 },
        { id: 'm2', text: 'Aisha is vegan', kind: 'preference', similarity: 0.41 },
        { id: 'm3', text: 'Aisha moved to Nairobi!', kind: 'fact', similarity: 0.77 },
        { id: 'm4', text: 'Aisha never moved to Nairobi', kind: 'fact' },
      ],
    });
    // memOS ids never reach the model: it can only name what it was shown.
    expect(request!.messages[1]!.content).not.toContain('mem_');
    const { name, strict, schema } = request!.responseFormat.json_schema;
    expect({ name, strict }).toEqual({ name: 'memory_verdicts', strict: true });
    expect(schema).toMatchObject({
      required: ['verdicts'],
      additionalProperties: false,
      properties: { verdicts: { items: { properties: { candidateId: { enum: ['m1', 'm2', 'm3', 'm4'] }, relation: { enum: ['duplicate', 'supersedes', 'contradicts', 'unrelated'] } } } } },
    });
    expect(request!.body.temperature).toBe(0);
  });

  it('asks about at most maxCandidates, the first given, and counts the rest as dropped', async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ id: `mem_${i}`, text: `fact number ${i}`, similarity: 1 - i / 20 }));
    const result = await judgeWith({ maxCandidates: 3 }).judge({ incoming: { text: 'something else' }, candidates: many });
    expect(questionOf(server.requests[0]!).existing.map((c) => c.text)).toEqual(['fact number 0', 'fact number 1', 'fact number 2']);
    expect(result.verdicts.map((v) => v.candidateId)).toEqual(['mem_0', 'mem_1', 'mem_2']);
    expect(result.dropped).toBe(7);
  });

  it('asks nothing when there is no candidate', async () => {
    expect(await judgeWith().judge({ incoming: { text: 'Aisha moved to Nairobi' }, candidates: [] })).toEqual({ verdicts: [], dropped: 0, ignored: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('ignores verdicts for ids it did not show (invented, or memOS ids) and a second verdict for the same candidate', async () => {
    server.fail({
      kind: 'content',
      value: {
        verdicts: [
          { candidateId: 'm9', relation: 'duplicate', confidence: 1, reason: 'invented' },
          { candidateId: 'mem_01HZX0AISHA0VEGAN', relation: 'contradicts', confidence: 1, reason: 'a real id it was never shown' },
          { candidateId: ' m2 ', relation: 'unrelated', confidence: 1.7, reason: 'About food.' },
          { candidateId: 'm2', relation: 'duplicate', confidence: 0.9, reason: 'changed its mind' },
        ],
      },
    });
    const result = await judgeWith().judge({ incoming: { text: 'Aisha moved to Nairobi' }, candidates });
    expect(result).toEqual({ verdicts: [{ candidateId: 'mem_01HZX0AISHA0VEGAN', relation: 'unrelated', confidence: 1, reason: 'About food.' }], dropped: 0, ignored: 3 });
  });

  it('shows long texts from their start, and keeps a reason to one short line', async () => {
    const long = `Aisha lives in Lagos ${'and likes long walks '.repeat(200)}`;
    server.fail({ kind: 'content', value: { verdicts: [{ candidateId: 'm1', relation: 'duplicate', confidence: 0.5, reason: 'because '.repeat(100) }] } });
    const result = await judgeWith({ maxTextChars: 100 }).judge({ incoming: { text: long }, candidates: [{ id: 'a', text: long }] });
    const question = questionOf(server.requests[0]!);
    expect(question.new.text).toBe(long.slice(0, 100));
    expect(question.existing[0]!.text).toBe(long.slice(0, 100));
    expect(result.verdicts[0]!.reason.length).toBeLessThanOrEqual(300);
  });

  it('rejects an answer outside its schema with a safe error, and retries an unavailable model', async () => {
    const secret = 'Aisha keeps her passport code 88-1234';
    server.fail({ kind: 'content', value: { verdicts: [{ candidateId: 'm1', relation: 'maybe', confidence: 0.5, reason: secret }] } });
    const error = await judgeWith()
      .judge({ incoming: { text: secret }, candidates })
      .then(() => expect.fail('expected a failure'), (e: unknown) => e as MemosError);
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: false, unusableAnswer: 'off_schema' } });
    expect(error.message).toContain("answered JSON outside the 'memory_verdicts' schema (verdicts.0.relation: invalid_value)");
    expect(error.message).not.toContain('passport');

    server.fail({ kind: 'status', status: 503 }, { kind: 'reset' });
    const result = await judgeWith().judge({ incoming: { text: 'Aisha moved to Nairobi' }, candidates: candidates.slice(0, 1) });
    expect(result.verdicts).toEqual([expect.objectContaining({ candidateId: 'mem_01HZX0AISHA0LAGOS', relation: 'supersedes' })]);
    expect(server.requests).toHaveLength(4);
  });
});

describe('LLM judge from configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-llm-judge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is off by default', () => {
    expect(llmJudgeFromConfig(loadConfig({ env: {}, cwd: dir }))).toBeUndefined();
  });

  it('talks to the configured model with the configured key, and caps candidates as configured', async () => {
    const keyed = await startChatCompletionsServer({ respond: judgeLikeAModel, apiKey: 'sk-config-SECRET-42' });
    try {
      const config = loadConfig({
        env: { MEMOS_LLM_URL: keyed.baseUrl, MEMOS_LLM_MODEL: 'qwen2.5-7b-instruct', MEMOS_LLM_API_KEY: 'sk-config-SECRET-42', MEMOS_LLM_MAX_CANDIDATES: '2' },
        cwd: dir,
      });
      const judge = llmJudgeFromConfig(config)!;
      const result = await judge.judge({ incoming: { text: 'Aisha moved to Nairobi' }, candidates });
      expect(result.verdicts).toHaveLength(2);
      expect(result.dropped).toBe(2);
      expect(keyed.requests[0]).toMatchObject({ model: 'qwen2.5-7b-instruct', authorization: 'Bearer sk-config-SECRET-42' });
    } finally {
      await keyed.close();
    }
  });
});
