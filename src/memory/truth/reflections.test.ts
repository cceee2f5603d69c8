import { describe, expect, it } from 'vitest';
import { isSettledAttempt, MAX_TRIED, reflectionKey, reflectionStateOf, summariseOutcomes, type OutcomeEpisode } from './reflections.js';

const attempt = (id: string, occurredAt: string, content: string, outcome: OutcomeEpisode['outcome'], context?: string): OutcomeEpisode => ({
  id,
  occurredAt,
  content,
  outcome,
  task: 'book flight',
  ...(context === undefined ? {} : { context }),
});

describe('a task reflection summarised from outcomes, without a model', () => {
  it('counts attempts by outcome and names what was tried and the latest failure with its context', () => {
    const { state, text } = summariseOutcomes(undefined, [
      attempt('ep1', '2026-01-01T10:00:00.000Z', 'Booked the evening flight', 'task_completed'),
      attempt('ep2', '2026-01-02T10:00:00.000Z', 'Suggested the morning flight', 'task_failed'),
      attempt('ep3', '2026-01-03T10:00:00.000Z', 'Suggested the morning flight', 'task_failed', 'window seat wanted'),
    ]);
    expect(state).toMatchObject({ task: 'book flight', attempts: 3, completed: 1, failed: 2, abandoned: 0 });
    expect(state.latestFailure).toEqual({ approach: 'Suggested the morning flight', context: 'window seat wanted', at: '2026-01-03T10:00:00.000Z' });
    expect(text).toBe(
      "Task 'book flight': 3 attempts, 1 completed, 2 failed. Tried: 'Suggested the morning flight' (failed 2 times), 'Booked the evening flight' (completed). " +
        "Latest failure: 'Suggested the morning flight' when 'window seat wanted'. Prefer what completed; avoid repeating what failed.",
    );
    expect(state.summary).toBe(text);
  });

  it('is incremental: outcomes added one at a time give the state of all of them at once, in whatever order they come', () => {
    const episodes = [
      attempt('ep1', '2026-01-01T10:00:00.000Z', 'A', 'task_failed', 'first'),
      attempt('ep2', '2026-01-02T10:00:00.000Z', 'B', 'abandoned'),
      attempt('ep3', '2026-01-03T10:00:00.000Z', 'a', 'task_completed'),
    ];
    const atOnce = summariseOutcomes(undefined, episodes);
    const reversed = summariseOutcomes(undefined, [...episodes].reverse());
    let state = undefined;
    for (const episode of episodes) state = summariseOutcomes(state, [episode]).state;
    expect(reversed).toEqual(atOnce);
    expect(state).toEqual(atOnce.state);
    // "A" and "a" are one approach: it failed and completed.
    expect(atOnce.text).toBe("Task 'book flight': 3 attempts, 1 completed, 1 failed, 1 abandoned. Tried: 'A' (completed, failed), 'B' (abandoned). Latest failure: 'A' when 'first'. Prefer what completed; avoid repeating what failed.");
  });

  it('keeps the latest failure by time when an older one arrives later, and the most recently tried approaches only', () => {
    const first = summariseOutcomes(undefined, [attempt('ep2', '2026-01-05T00:00:00.000Z', 'late', 'task_failed', 'recent context')]).state;
    const next = summariseOutcomes(first, [attempt('ep1', '2026-01-01T00:00:00.000Z', 'early', 'task_failed', 'old context')]).state;
    expect(next.latestFailure?.context).toBe('recent context');
    const many = Array.from({ length: MAX_TRIED + 3 }, (_, i) => attempt(`ep${10 + i}`, `2026-02-${String(10 + i)}T00:00:00.000Z`, `approach ${i}`, 'task_failed'));
    const { state, text } = summariseOutcomes(undefined, many);
    expect(state.tried.map((one) => one.approach)).toEqual(['approach 7', 'approach 6', 'approach 5', 'approach 4', 'approach 3']);
    expect(state.attempts).toBe(MAX_TRIED + 3);
    expect(text).toContain('Nothing has completed yet; avoid repeating what failed.');
  });

  it('shortens long approaches and contexts to one line', () => {
    const { state } = summariseOutcomes(undefined, [attempt('ep1', '2026-01-01T00:00:00.000Z', `line one\nline two ${'x'.repeat(300)}`, 'task_failed', `ctx\t${'y'.repeat(300)}`)]);
    expect(state.tried[0]!.approach).toMatch(/^line one line two x+$/);
    expect(state.tried[0]!.approach.length).toBe(120);
    expect(state.latestFailure!.context!.length).toBe(160);
  });

  it('reads its state back from metadata, and ignores a state in another shape', () => {
    const { state } = summariseOutcomes(undefined, [attempt('ep1', '2026-01-01T00:00:00.000Z', 'A', 'task_completed')]);
    expect(reflectionStateOf({ reflection: JSON.parse(JSON.stringify(state)) })).toEqual(state);
    expect(reflectionStateOf({ reflection: { attempts: 'three' } })).toBeUndefined();
    expect(reflectionStateOf({})).toBeUndefined();
  });

  it('counts interventions and outcomes of a task with a settled outcome only', () => {
    expect(isSettledAttempt({ kind: 'intervention', task: 'book flight', outcome: 'task_failed' })).toBe(true);
    expect(isSettledAttempt({ kind: 'outcome', task: 'book flight', outcome: 'task_completed' })).toBe(true);
    expect(isSettledAttempt({ kind: 'intervention', task: 'book flight', outcome: 'unknown' })).toBe(false);
    expect(isSettledAttempt({ kind: 'message', task: 'book flight', outcome: 'task_failed' })).toBe(false);
    expect(isSettledAttempt({ kind: 'intervention', task: '  ', outcome: 'task_failed' })).toBe(false);
    expect(reflectionKey(' book flight ')).toBe('task:book flight');
  });
});
