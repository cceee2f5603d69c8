// The client's id rule is the one the OpenAPI document states for user, agent and session ids.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMemosId, MEMOS_ID_PATTERN } from '../src/index.js';

const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema: { pattern?: string } }> }>>;
};

describe('isMemosId', () => {
  it('follows the pattern the OpenAPI document gives userId, agentId and sessionId', () => {
    const parameters = Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((operation) => operation.parameters ?? []));
    const patterns = new Set(parameters.filter((p) => ['userId', 'agentId', 'sessionId'].includes(p.name)).map((p) => p.schema.pattern));
    expect([...patterns]).toEqual([MEMOS_ID_PATTERN]);
    expect(['ana', 'chat-42', 'a.b_c:d@e', 'x'.repeat(128)].every(isMemosId)).toBe(true);
    expect(['', 'x'.repeat(129), 'two words', 'ä', 42, undefined].some(isMemosId)).toBe(false);
  });
});
