import { describe, expect, it } from 'vitest';
import { actionOf, cleanReason, STORED_REASON_CHARS } from './judge-worker-verdicts.js';

describe('what each verdict of the LLM judge changes', () => {
  it('supersedes: the new memory supersedes the candidate', () => {
    expect(actionOf('mem_new', { candidateId: 'mem_old', relation: 'supersedes', reason: 'moved' })).toEqual({
      kind: 'supersede', relation: 'supersedes', by: 'mem_new', ids: ['mem_old'], reason: 'judge: moved',
    });
  });

  it('duplicate: the older memory stays and supersedes the new one', () => {
    expect(actionOf('mem_new', { candidateId: 'mem_old', relation: 'duplicate', reason: 'same fact' })).toEqual({
      kind: 'supersede', relation: 'duplicate', by: 'mem_old', ids: ['mem_new'], reason: 'judge: duplicate: same fact',
    });
  });

  it('contradicts: a conflict mark on the new memory; unrelated: nothing', () => {
    expect(actionOf('mem_new', { candidateId: 'mem_old', relation: 'contradicts', reason: 'both cannot hold' })).toEqual({
      kind: 'conflict', relation: 'contradicts', on: 'mem_new', other: 'mem_old', reason: 'judge: both cannot hold',
    });
    expect(actionOf('mem_new', { candidateId: 'mem_old', relation: 'unrelated', reason: 'other subject' })).toBeUndefined();
  });

  it('stores a reason without control characters, on one line, at most 200 characters', () => {
    expect(cleanReason('line one\nline two\u0007\u202e\tend')).toBe('line one line two end');
    expect(cleanReason('\u0000\n ')).toBe('unspecified');
    const long = cleanReason('why '.repeat(100));
    expect([...long].length).toBeLessThanOrEqual(STORED_REASON_CHARS);
    expect(cleanReason('🙂'.repeat(300))).toBe('🙂'.repeat(STORED_REASON_CHARS));
  });
});
