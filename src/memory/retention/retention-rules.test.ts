// Which rule governs a record (the most specific one), and the targets made from the rules: each
// record is named by the target of exactly the rule that governs it, and by no other.
import { describe, expect, it } from 'vitest';
import { governingRule, retentionTargets, targetNames, type RetentionRule } from './retention-rules.js';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');

describe('retention rules', () => {
  const rules: RetentionRule[] = [
    { namespace: '*', tier: 'episodes', maxAgeDays: 365 },
    { namespace: '*', tier: 'episodes', kind: 'message', maxAgeDays: 30 },
    { namespace: 'shop', tier: 'episodes', maxAgeDays: 90 },
    { namespace: 'shop', tier: 'episodes', kind: 'tool_result', maxAgeDays: 7 },
    { namespace: 'lab', tier: 'episodes', kind: 'observation', maxAgeDays: 3 },
    { namespace: '*', tier: 'memories', kind: 'summary', maxAgeDays: 60 },
  ];
  const days = (record: { tier: 'episodes' | 'memories'; namespace: string; kind: string }) => governingRule(rules, record)?.maxAgeDays;

  it('lets the most specific rule win: namespace and kind, namespace, any namespace and kind, any namespace', () => {
    expect(days({ tier: 'episodes', namespace: 'shop', kind: 'tool_result' })).toBe(7);
    expect(days({ tier: 'episodes', namespace: 'shop', kind: 'message' })).toBe(90);
    expect(days({ tier: 'episodes', namespace: 'home', kind: 'message' })).toBe(30);
    expect(days({ tier: 'episodes', namespace: 'home', kind: 'outcome' })).toBe(365);
    expect(days({ tier: 'episodes', namespace: 'lab', kind: 'observation' })).toBe(3);
    expect(days({ tier: 'episodes', namespace: 'lab', kind: 'message' })).toBe(30);
    expect(days({ tier: 'memories', namespace: 'shop', kind: 'summary' })).toBe(60);
    // No rule: kept for ever.
    expect(days({ tier: 'memories', namespace: 'shop', kind: 'fact' })).toBeUndefined();
  });

  it('names each record in the target of the rule that governs it and in no other, every instant the rule’s age back', () => {
    const targets = retentionTargets(rules, NOW);
    targets.forEach((target, index) => expect(Date.parse(target.before)).toBe(NOW - rules[index]!.maxAgeDays * 86_400_000));
    for (const tier of ['episodes', 'memories'] as const) {
      for (const namespace of ['shop', 'lab', 'home', 'other']) {
        for (const kind of ['message', 'tool_result', 'observation', 'outcome', 'summary', 'fact']) {
          const record = { tier, namespace, kind };
          const naming = targets.flatMap((target, index) => (targetNames(target, record) ? [index] : []));
          const rule = governingRule(rules, record);
          expect(naming, JSON.stringify(record)).toEqual(rule === undefined ? [] : [rules.indexOf(rule)]);
        }
      }
    }
  });

  it('makes no target without rules', () => {
    expect(retentionTargets([], NOW)).toEqual([]);
  });

  it('never reaches before the earliest storable instant', () => {
    const [target] = retentionTargets([{ namespace: '*', tier: 'episodes', maxAgeDays: 36_500 }], Date.parse('0050-01-01T00:00:00.000Z'));
    expect(target!.before).toBe('0001-01-01T00:00:00.000Z');
  });
});
