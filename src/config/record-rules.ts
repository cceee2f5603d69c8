// Settings about the records themselves: how long each kind is kept (retention rules) and how long
// a memory of each kind holds before it needs a review (freshness).
import { z } from 'zod';
import { ID_PATTERN } from '../core/ids.js';
import { MEMORY_KINDS } from '../core/types.js';

/** One retention rule: records of `tier` (of `kind`, when named) in `namespace` (`*`: any) older than `maxAgeDays` go. */
const retentionRule = z
  .strictObject({
    namespace: z.string().refine((value) => value === '*' || ID_PATTERN.test(value), 'must be a namespace (1-128 of A-Z a-z 0-9 . _ : @ -) or *'),
    tier: z.enum(['episodes', 'memories']),
    kind: z.string().min(1).max(128).optional(),
    maxAgeDays: z.number().positive().max(36_500),
  })
  .refine((rule) => rule.tier !== 'memories' || rule.kind === undefined || (MEMORY_KINDS as readonly string[]).includes(rule.kind), {
    message: `a memory kind must be one of ${MEMORY_KINDS.join(', ')}`,
    path: ['kind'],
  });

/** The rules, as a list (config file) or as its JSON text (MEMOS_RETENTION_RULES); two rules for the same namespace, tier and kind are refused. */
export const retentionRules = z
  .preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON array of rules, e.g. [{"namespace":"*","tier":"episodes","maxAgeDays":90}]' });
      return z.NEVER;
    }
  }, z.array(retentionRule).max(1000))
  .superRefine((rules, context) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      const key = JSON.stringify([rule.namespace, rule.tier, rule.kind ?? null]);
      if (seen.has(key)) context.addIssue({ code: 'custom', path: [index], message: 'repeats an earlier rule for the same namespace, tier and kind' });
      seen.add(key);
    });
  });

/**
 * Review periods by memory kind (docs/truth.md "Freshness"): an object `{ "fact": 365 }` (config
 * file) or its text `fact=365,preference=180` (MEMOS_REVIEW_DAYS). A kind left out never goes stale.
 */
export const reviewDays = z
  .preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    const entries: Array<[string, unknown]> = [];
    for (const part of value.split(',').map((piece) => piece.trim()).filter((piece) => piece !== '')) {
      const match = /^([a-z]+)\s*=\s*(\S+)$/.exec(part);
      if (!match) {
        context.addIssue({ code: 'custom', message: 'must be kind=days pairs separated by commas, e.g. fact=365,preference=180' });
        return z.NEVER;
      }
      entries.push([match[1]!, Number(match[2])]);
    }
    const kinds = entries.map(([kind]) => kind);
    if (new Set(kinds).size !== kinds.length) {
      context.addIssue({ code: 'custom', message: 'names a kind twice' });
      return z.NEVER;
    }
    return Object.fromEntries(entries);
  }, z.partialRecord(z.enum(MEMORY_KINDS, { error: `a memory kind must be one of ${MEMORY_KINDS.join(', ')}` }), z.number({ error: 'must be a number of days, above 0 and at most 36500' }).positive().max(36_500)));
