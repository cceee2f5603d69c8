import { describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { priorFactor, recency, type PriorOptions } from './priors.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();

describe('recency', () => {
  it('is 1 at age 0 and halves with every half-life', () => {
    const at = (days: number) => recency(testEpisode({ id: 'ep_1', occurredAt: daysAgo(days) }), NOW, 30);
    expect(at(0)).toBe(1);
    expect(at(30)).toBeCloseTo(0.5, 12);
    expect(at(60)).toBeCloseTo(0.25, 12);
    expect(at(15)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(recency(testEpisode({ id: 'ep_1', occurredAt: daysAgo(7) }), NOW, 7)).toBeCloseTo(0.5, 12);
  });

  it('is never above 1 for a record timestamped in the future', () => {
    expect(recency(testEpisode({ id: 'ep_1', occurredAt: daysAgo(-3) }), NOW, 30)).toBe(1);
    expect(recency(testMemory({ id: 'mem_1', updatedAt: daysAgo(-365), lastConfirmedAt: daysAgo(-365) }), NOW, 30)).toBe(1);
  });

  it('ages an episode from when it occurred and a memory from when it was last confirmed', () => {
    const episode = testEpisode({ id: 'ep_1', occurredAt: daysAgo(30), createdAt: daysAgo(0) });
    // Updated (importance, metadata) 10 days ago, last stated or confirmed 30 days ago.
    const memory = testMemory({ id: 'mem_1', createdAt: daysAgo(90), updatedAt: daysAgo(10), lastConfirmedAt: daysAgo(30) });
    expect(recency(episode, NOW, 30)).toBeCloseTo(0.5, 12);
    expect(recency(memory, NOW, 30)).toBeCloseTo(0.5, 12);
  });
});

describe('priorFactor', () => {
  const options: PriorOptions = { recencyWeight: 0.5, recencyHalfLifeDays: 30, importanceWeight: 0.1 };

  it('multiplies recency and a memory importance around the neutral 0.5', () => {
    const factor = (importance: number, recencyValue: number) => priorFactor(testMemory({ id: 'mem_1', importance }), recencyValue, options);
    expect(factor(0.5, 1)).toBeCloseTo(1.5, 12);
    expect(factor(0.5, 0)).toBe(1);
    expect(factor(1, 1)).toBeCloseTo(1.5 * 1.05, 12);
    expect(factor(0, 1)).toBeCloseTo(1.5 * 0.95, 12);
    expect(factor(1, 0.5)).toBeCloseTo(1.25 * 1.05, 12);
  });

  it('counts only recency for an episode, which carries no importance', () => {
    const episode = testEpisode({ id: 'ep_1' });
    expect(priorFactor(episode, 1, options)).toBeCloseTo(1.5, 12);
    expect(priorFactor(episode, 0.25, { ...options, importanceWeight: 1.9 })).toBeCloseTo(1.125, 12);
  });

  it('is 1 when both weights are 0', () => {
    const off = { ...options, recencyWeight: 0, importanceWeight: 0 };
    expect(priorFactor(testMemory({ id: 'mem_1', importance: 1 }), 1, off)).toBe(1);
    expect(priorFactor(testEpisode({ id: 'ep_1' }), 1, off)).toBe(1);
  });
});
