import { describe, expect, it } from 'vitest';
import type { Memory } from '../../core/types.js';
import { namesTask, withReflections } from './task-reflections.js';
import type { ContextHit } from './pack-context.js';

describe('a query names a task', () => {
  it('when it holds every word of the task, by stem and in any case', () => {
    expect(namesTask('How should I go about Booking a flight?', 'book flight')).toBe(true);
    expect(namesTask('any flights booked last week?', 'book flight')).toBe(true);
    expect(namesTask('book a hotel', 'book flight')).toBe(false);
    expect(namesTask('flight status', 'book flight')).toBe(false);
  });

  it('never for a task of stopwords only', () => {
    expect(namesTask('what is it', '')).toBe(false);
  });
});

const memory = (id: string): Memory => ({ id, content: id, kind: 'reflection' }) as Memory;
const hit = (id: string, score: number): ContextHit<Memory> => ({ id, score, parts: { keyword: 1, vector: null, recency: null, neighbours: null, time: null, speaker: null }, item: memory(id) });

describe('task reflections in a bundle', () => {
  it('go on top, at the best score, and one recall found moves up rather than appearing twice', () => {
    const found = [hit('a', 0.9), hit('r1', 0.2), hit('b', 0.1)];
    const memories = withReflections(found, 0.95, [memory('r1'), memory('r2')], () => false);
    expect(memories.map((one) => [one.id, one.score])).toEqual([['r1', 0.95], ['r2', 0.95], ['a', 0.9], ['b', 0.1]]);
    expect(memories[0]!.parts.keyword).toBe(1);
    expect(memories[1]).toMatchObject({ parts: { keyword: null, vector: null }, stale: false });
    expect(withReflections(found, 0, [], () => false)).toBe(found);
  });
});
