import { describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { asksWhen, mentionsTime, timeSpans } from './time-expressions.js';
import { timeCloseness, timePrior, type TimePriorOptions } from './time-priors.js';

const DAY = 86_400_000;
const REFERENCE = new Date('2023-10-20T12:00:00.000Z');
const iso = (at: number) => new Date(at).toISOString().slice(0, 10);
const spansOf = (query: string) => timeSpans(query, REFERENCE).map(({ from, to }) => `${iso(from)}..${iso(to)}`);

describe('timeSpans', () => {
  it('reads a day, a month and a year as the whole of each', () => {
    expect(spansOf('Who did Maria have dinner with on May 3, 2023?')).toEqual(['2023-05-03..2023-05-03']);
    expect(spansOf('What setback did Melanie face in October 2023?')).toEqual(['2023-10-01..2023-10-31']);
    expect(spansOf('How many times has she gone to the beach in 2023?')).toEqual(['2023-01-01..2023-12-31']);
  });

  it('counts relative phrases and a month without a year from the reference', () => {
    expect(spansOf('Where did John go on a road trip last year?')).toEqual(['2022-01-01..2022-12-31']);
    expect(spansOf('When did Melanie go camping in June?')).toEqual(['2023-06-01..2023-06-30']);
    expect(spansOf('What did John do last weekend?')).toEqual(['2023-10-12..2023-10-18']);
  });

  it('names no span for a query without time', () => {
    expect(spansOf('When did Caroline go to the LGBTQ support group?')).toEqual([]);
    expect(spansOf('What does Caroline like to paint?')).toEqual([]);
  });
});

describe('asksWhen and mentionsTime', () => {
  it('tells "when" questions from others', () => {
    expect(asksWhen('When did Caroline go to the support group?')).toBe(true);
    expect(asksWhen('What year did John start surfing?')).toBe(true);
    expect(asksWhen('What does Caroline like to paint?')).toBe(false);
  });

  it('finds time words in a record, and month names only when capitalised', () => {
    expect(mentionsTime('Caroline: I went to a support group yesterday.')).toBe(true);
    expect(mentionsTime('Melanie: We went camping last Friday with the kids')).toBe(true);
    expect(mentionsTime('John: See you in May!')).toBe(true);
    expect(mentionsTime('John: you may be right about that.')).toBe(false);
  });
});

describe('timeCloseness', () => {
  it('is 1 inside a span, halves every half-life outside the nearest, and 0 without spans', () => {
    const spans = [{ from: Date.parse('2023-05-01'), to: Date.parse('2023-05-31') }];
    expect(timeCloseness(Date.parse('2023-05-15'), spans, 7)).toBe(1);
    expect(timeCloseness(Date.parse('2023-05-31') + 7 * DAY, spans, 7)).toBeCloseTo(0.5, 12);
    expect(timeCloseness(Date.parse('2023-05-01') - 14 * DAY, spans, 7)).toBeCloseTo(0.25, 12);
    expect(timeCloseness(Date.parse('2023-05-15'), [], 7)).toBe(0);
  });
});

describe('timePrior', () => {
  const options: TimePriorOptions = { timeWeight: 1, timeHalfLifeDays: 7, whenWeight: 0.5 };
  const now = Date.parse('2026-06-01T00:00:00.000Z');
  const may = testEpisode({ id: 'ep_1', occurredAt: '2023-05-03T13:00:00.000Z', content: 'Maria: dinner with my mom' });
  const october = testEpisode({ id: 'ep_2', occurredAt: '2023-10-20T12:00:00.000Z', content: 'Maria: we went hiking yesterday' });

  it('lifts records that happened within the named time and leaves the others as they are', () => {
    const factor = timePrior('Who did Maria have dinner with on May 3, 2023?', [may, october], now, options)!;
    expect(factor(may)).toBe(2);
    expect(factor(october)).toBeCloseTo(1, 6);
  });

  it("reads relative times against the newest candidate, not the server's clock", () => {
    const factor = timePrior('What did Maria do last week?', [may, october], now, options)!;
    expect(factor(october)).toBeGreaterThan(1.5);
    expect(factor(may)).toBeCloseTo(1, 6);
  });

  it('ages a memory from when it was written', () => {
    const memory = testMemory({ id: 'mem_1', createdAt: '2023-05-03T13:00:00.000Z', lastConfirmedAt: '2026-01-01T00:00:00.000Z' });
    expect(timePrior('What happened on May 3, 2023?', [memory], now, options)!(memory)).toBe(2);
  });

  it('lifts records that speak of a time for a "when" question naming none', () => {
    const factor = timePrior('When did Maria go hiking?', [may, october], now, options)!;
    expect(factor(october)).toBe(1.5);
    expect(factor(may)).toBe(1);
  });

  it('plays no part when both weights are 0 or the query says nothing of time', () => {
    expect(timePrior('Who did Maria have dinner with on May 3, 2023?', [may], now, { ...options, timeWeight: 0, whenWeight: 0 })).toBeUndefined();
    expect(timePrior('What does Maria like?', [may, october], now, options)).toBeUndefined();
    expect(timePrior('When did Maria go hiking?', [may], now, { ...options, whenWeight: 0 })).toBeUndefined();
  });
});
