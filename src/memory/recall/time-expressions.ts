// What a search's query says about time: the spans of time it names ("in May 2023", "last week",
// "the week before June 9, 2023"), whether it asks when something happened, and whether a record's
// text speaks of a time. Hybrid search uses these as gentle priors (time-priors.ts), never as filters.

import * as chrono from 'chrono-node';

/** A span of time, in epoch milliseconds, both ends included. */
export interface TimeSpan {
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;
// Relative words whose meaning chrono works out from the reference instant alone, with no calendar field known.
const RELATIVE = /\b(last|next|this|ago|yesterday|today|tonight|tomorrow|recently)\b/i;
// A bare year ("in 2023"), which chrono leaves alone.
const YEAR = /\b(19[5-9]\d|20\d\d)\b/g;

const utcDay = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/** The span a parsed component stands for: the day, the month or the year it names, or a few days around an inferred day. */
function spanOf(component: chrono.ParsedComponents): TimeSpan | undefined {
  const at = component.date().getTime();
  const year = component.get('year')!;
  const month = component.get('month')!;
  if (component.isCertain('day')) return { from: utcDay(at), to: utcDay(at) + DAY_MS - 1 };
  if (component.isCertain('month')) return { from: Date.UTC(year, month - 1, 1), to: Date.UTC(year, month, 1) - 1 };
  if (component.isCertain('year')) return { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) - 1 };
  // "last weekend", "last Friday", "a week ago": the inferred day, give or take three days.
  return { from: utcDay(at) - 3 * DAY_MS, to: utcDay(at) + 4 * DAY_MS - 1 };
}

/**
 * The spans of time a query names, read against `reference` (the instant "last week" or a month
 * without a year is counted from). Expressions that name nothing on the calendar and hold no
 * relative word are ignored: chrono reads some phrases ("the evening of …") as "now".
 */
export function timeSpans(query: string, reference: Date): TimeSpan[] {
  const spans: TimeSpan[] = [];
  const taken: [number, number][] = [];
  for (const result of chrono.parse(query, reference)) {
    const known = ['day', 'weekday', 'month', 'year'].some((field) => result.start.isCertain(field as chrono.Component));
    if (!known && !RELATIVE.test(result.text)) continue;
    const start = spanOf(result.start);
    const end = result.end ? spanOf(result.end) : undefined;
    if (start) spans.push({ from: start.from, to: Math.max(start.to, end?.to ?? start.to) });
    taken.push([result.index, result.index + result.text.length]);
  }
  for (const match of query.matchAll(YEAR)) {
    if (taken.some(([from, to]) => match.index >= from && match.index < to)) continue;
    const year = Number(match[0]);
    spans.push({ from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) - 1 });
  }
  return spans;
}

const WHEN = /^\s*(when\b|what (day|date|time|month|year|week)\b|how long ago\b|since when\b)|\bwhen (did|was|were|is|will|does|do)\b/i;

/** Whether a query asks when something happened or will happen. */
export function asksWhen(query: string): boolean {
  return WHEN.test(query);
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const WEEKDAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const TIME_WORDS = new RegExp(
  [
    `\\b(yesterday|today|tonight|tomorrow|weekends?|recently|ago)\\b`,
    `\\b(last|next|this|past|coming) (week|month|year|night|summer|winter|spring|fall|autumn|${WEEKDAYS.toLowerCase()})\\b`,
    `\\b(19[5-9]\\d|20\\d\\d)\\b`,
  ].join('|'),
  'i',
);
// Names of months and days only when capitalised, so that "you may" is not May.
const CALENDAR_NAMES = new RegExp(`\\b(${MONTHS}|${WEEKDAYS})s?\\b`);

/**
 * Whether a record's text speaks of a time ("yesterday", "last Friday", "in May"): a cheap
 * pattern, not a parse, since it runs over every candidate of a search.
 */
export function mentionsTime(text: string): boolean {
  return TIME_WORDS.test(text) || CALENDAR_NAMES.test(text);
}
