// Which retention rule governs a record, and the removal targets that follow from the rules.
//
// A record (tier, namespace, kind) is governed by its most specific rule of its tier:
//   1. the rule naming its namespace and its kind;
//   2. else the rule naming its namespace, without a kind;
//   3. else the rule for every namespace (`*`) naming its kind;
//   4. else the rule for every namespace without a kind.
// A record no rule covers is kept. Each rule becomes one RetentionTarget: the records it names,
// less those a more specific rule names, so that every record is in at most one target and is
// removed by the age of the rule that governs it.

import { EARLIEST_TIME_MS, toIso } from '../../core/clock.js';
import type { RetentionTarget } from '../../core/ports.js';
import type { Tier } from '../../core/types.js';

export interface RetentionRule {
  /** A namespace, or `*` for every namespace. */
  namespace: string;
  tier: Tier;
  /** Only records of this kind; absent: every kind. */
  kind?: string | undefined;
  maxAgeDays: number;
}

export const ANY_NAMESPACE = '*';
const DAY_MS = 86_400_000;

/** The rule that governs a record of `tier` in `namespace` with `kind`, or undefined when none does. */
export function governingRule(rules: readonly RetentionRule[], record: { tier: Tier; namespace: string; kind: string }): RetentionRule | undefined {
  const of = (namespace: string, kind: string | undefined) =>
    rules.find((rule) => rule.tier === record.tier && rule.namespace === namespace && rule.kind === kind);
  return of(record.namespace, record.kind) ?? of(record.namespace, undefined) ?? of(ANY_NAMESPACE, record.kind) ?? of(ANY_NAMESPACE, undefined);
}

/** Whether `target` names the record (its namespace, kind and exceptions; not its age). */
export function targetNames(target: RetentionTarget, record: { tier: Tier; namespace: string; kind: string }): boolean {
  if (record.tier !== target.tier) return false;
  if (target.namespace !== undefined && record.namespace !== target.namespace) return false;
  if (target.kind !== undefined && record.kind !== target.kind) return false;
  if (target.exceptNamespaces?.includes(record.namespace)) return false;
  if (target.exceptKinds?.includes(record.kind)) return false;
  return !(target.exceptPairs ?? []).some((pair) => pair.namespace === record.namespace && pair.kind === record.kind);
}

/** One target per rule, its `before` the rule's age back from `now` (epoch ms). */
export function retentionTargets(rules: readonly RetentionRule[], now: number): RetentionTarget[] {
  return rules.map((rule) => ({ ...scopeOf(rule, rules.filter((other) => other.tier === rule.tier && other !== rule)), before: toIso(Math.max(EARLIEST_TIME_MS, now - rule.maxAgeDays * DAY_MS)) }));
}

/** What `rule` names, less what the more specific `others` (of its tier) name. */
function scopeOf(rule: RetentionRule, others: RetentionRule[]): Omit<RetentionTarget, 'before'> {
  const { tier } = rule;
  const named = (kinds: RetentionRule[]) => [...new Set(kinds.map((other) => other.namespace))].sort();
  const kindsOf = (list: RetentionRule[]) => [...new Set(list.map((other) => other.kind!))].sort();
  const specific = others.filter((other) => other.namespace !== ANY_NAMESPACE);
  if (rule.namespace !== ANY_NAMESPACE) {
    if (rule.kind !== undefined) return { tier, namespace: rule.namespace, kind: rule.kind };
    // The namespace's rules with a kind take those kinds.
    const exceptKinds = kindsOf(specific.filter((other) => other.namespace === rule.namespace && other.kind !== undefined));
    return { tier, namespace: rule.namespace, ...(exceptKinds.length > 0 ? { exceptKinds } : {}) };
  }
  if (rule.kind !== undefined) {
    // A namespace's own rule, for this kind or for all of its kinds, takes its records of this kind.
    const exceptNamespaces = named(specific.filter((other) => other.kind === undefined || other.kind === rule.kind));
    return { tier, kind: rule.kind, ...(exceptNamespaces.length > 0 ? { exceptNamespaces } : {}) };
  }
  const exceptNamespaces = named(specific.filter((other) => other.kind === undefined));
  const exceptKinds = kindsOf(others.filter((other) => other.namespace === ANY_NAMESPACE && other.kind !== undefined));
  // Pairs not already left out by a namespace or a kind above.
  const exceptPairs = specific
    .filter((other) => other.kind !== undefined && !exceptNamespaces.includes(other.namespace) && !exceptKinds.includes(other.kind))
    .map((other) => ({ namespace: other.namespace, kind: other.kind! }));
  return {
    tier,
    ...(exceptNamespaces.length > 0 ? { exceptNamespaces } : {}),
    ...(exceptKinds.length > 0 ? { exceptKinds } : {}),
    ...(exceptPairs.length > 0 ? { exceptPairs } : {}),
  };
}
