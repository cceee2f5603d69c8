// Fields of the memory routes that truth maintenance adds (docs/truth.md): slots, validity, and
// what a write answers about related and superseded memories.

import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import type { MemoryWriteOutcome } from '../../memory/memories/memory-service.js';
import type { ValidityAsk } from '../../memory/truth/validity-filter.js';
import { timestampSchema, type FieldSchemas } from '../schemas.js';
import { listingQuery } from './filters.js';

export { listInput } from './filters.js';

/** A slot name: 1 to 200 characters, no control characters, not starting or ending with white space (`task:<task>` slots hold a task's words). */
export const slotKey = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => !/\p{Cc}/u.test(value), 'must hold no control characters')
  .refine((value) => value.trim() === value, 'must not start or end with white space')
  .meta({ examples: ['home_city'] });

/** `asOf` and `includeSuperseded`, shared by listings, search and context. */
export const validityFields = {
  asOf: timestampSchema.optional().describe('Answer with what held at this time (ISO 8601 with a zone): memories whose validity window holds it, superseded and retracted ones included'),
  includeSuperseded: z.boolean().default(false).describe('Also superseded and retracted memories (every version of a fact); not with `asOf`'),
};

/** Query strings carry booleans as text. */
const booleanQuery = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** The query string of `GET /memories`: the listing's, plus `key`, `asOf` and `includeSuperseded`. */
export function memoryListingQuery<K extends z.ZodType<string, string>>(fields: FieldSchemas, kind: K, list: Config['list']) {
  const base = listingQuery(fields, kind, 'desc', list, 'preference', 'createdAt');
  return base.safeExtend({
    key: slotKey.optional().describe('Only memories of this slot; with `includeSuperseded=true`, its timeline'),
    asOf: validityFields.asOf,
    includeSuperseded: booleanQuery.describe('`true`: also superseded and retracted memories (every version of a fact); not with `asOf`'),
  });
}

export const relatedRecord = z
  .object({
    id: z.string().describe('The related memory'),
    similarity: z.number().optional().describe('Cosine between the two memories’ vectors; absent when it was found by its words, as it is while no embedder is ready'),
    possibleConflict: z.boolean().describe('The detector found a likely contradiction (a negation flip; the same subject with another place, object or number): settle it with a write that supersedes, or a retraction'),
    reason: z.string().optional().describe('Why, when `possibleConflict`: negation, opposite-state, different-place, different-object or different-number'),
  })
  .describe('A current memory close to the one written');

/** One result of `POST /memories`. */
export function writeResult({ memory, action, superseded, related }: MemoryWriteOutcome) {
  return {
    id: memory.id,
    action,
    version: memory.version,
    ...(superseded !== undefined && superseded.length > 0 ? { superseded: superseded.map((item) => item.id) } : {}),
    ...(related.length > 0 ? { related } : {}),
  };
}

/** The services' validity ask from a request's `asOf` and `includeSuperseded`. */
export function validityAsk(asOf: string | undefined, includeSuperseded: boolean): ValidityAsk {
  return { ...(asOf === undefined ? {} : { asOf }), includeSuperseded };
}
