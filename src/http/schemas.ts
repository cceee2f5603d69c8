// Request field schemas (built from the configured limits) and record schemas shared by the routes.
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { isStorableTime, TIME_RANGE_MESSAGE } from '../core/clock.js';
import { ID_PATTERN } from '../core/ids.js';
import { EPISODE_KINDS, INTERVENTION_OUTCOMES, MEMORY_KINDS, MESSAGE_ROLES } from '../core/types.js';

export const DEFAULT_NAMESPACE = 'default';
const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const CUSTOM_KIND = /^[a-z][a-z0-9_.:-]{0,63}$/;

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** How deep `value` nests (a scalar 0, `{}` 1, `{a:{}}` 2), walked with an explicit stack. */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    max = Math.max(max, depth + 1);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return max;
}

/** A JSON object bounded in encoded size and nesting depth. */
function boundedObject(maxBytes: number, maxDepth: number, what: string) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const bytes = byteLength(JSON.stringify(value));
    if (bytes > maxBytes) ctx.addIssue({ code: 'custom', message: `${what} must be at most ${maxBytes} bytes as JSON (got ${bytes})` });
    const depth = jsonDepth(value);
    if (depth > maxDepth) ctx.addIssue({ code: 'custom', message: `${what} must nest at most ${maxDepth} levels deep (got ${depth})` });
  });
}

export const idSchema = z.string().regex(ID_PATTERN, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');

/** The header that names a request's namespace, beside `namespace` in the body or query (see namespace.ts). */
export const NAMESPACE_HEADER = 'x-memos-namespace';

/** `namespace` in a body or query: optional, since the request may name it elsewhere; namespace.ts resolves it. */
export const namespaceField = idSchema
  .optional()
  .describe('The namespace, also accepted as `?namespace=` or the X-Memos-Namespace header (name it once, or the same in each); default `default`');

/** `namespace` on the routes that cover every namespace unless the request names one (cache statistics and clearing). */
export const anyNamespaceField = idSchema
  .optional()
  .describe('One namespace, also accepted as `?namespace=` or the X-Memos-Namespace header (name it once, or the same in each); every namespace when none is named');

/** An ISO 8601 date-time with a zone (`Z` or an offset), within the years every engine stores, normalised to UTC. */
export const timestampSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-21T15:00:00Z' })
  .refine((value) => isStorableTime(Date.parse(value)), TIME_RANGE_MESSAGE)
  .transform((value) => new Date(value).toISOString());

export const episodeKindSchema = z.union([
  z.enum(EPISODE_KINDS),
  z.string().regex(CUSTOM_KIND, `must be one of ${EPISODE_KINDS.join(', ')} or a custom kind of lower-case a-z 0-9 _ . : - (1 to 64 characters)`),
]);

export const metadataFilterSchema = z
  .record(z.string().regex(METADATA_KEY, 'metadata keys are 1 to 64 characters of A-Z a-z 0-9 _ . : -'), z.union([z.string(), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 16, 'at most 16 metadata conditions');

/** Field schemas whose bounds come from the `limits` config. */
export function fieldSchemas(limits: Config['limits']) {
  const text = (what: string) =>
    z
      .string()
      .refine((value) => value.trim().length > 0, `${what} must not be blank`)
      .refine((value) => byteLength(value) <= limits.contentBytes, `${what} must be at most ${limits.contentBytes} bytes`);
  /** A batch of 1 to `limits.batchItems` items, its bounds named in words: `one` and `many` are the item's singular and plural. */
  const batch = <T extends z.ZodType>(item: T, one: string, many: string) =>
    z.array(item).min(1, `at least one ${one}`).max(limits.batchItems, `at most ${limits.batchItems} ${many} in one request`);

  return {
    namespace: namespaceField,
    content: text('content'),
    text,
    batch,
    metadata: boundedObject(limits.metadataBytes, limits.metadataDepth, 'metadata'),
    state: boundedObject(limits.stateBytes, limits.metadataDepth, 'state'),
    message: z.strictObject({
      role: z.enum(MESSAGE_ROLES),
      content: text('content'),
      name: idSchema.optional(),
      createdAt: timestampSchema.optional(),
      metadata: boundedObject(limits.metadataBytes, limits.metadataDepth, 'metadata').optional(),
    }),
  };
}

export type FieldSchemas = ReturnType<typeof fieldSchemas>;

/** `?limit=` in a listing: a whole number from 1 to `max`. */
export const limitQuery = (max: number) => z.coerce.number().int().min(1).max(max);

/** A query parameter that may repeat (`?kind=a&kind=b`) or hold a comma-separated list. */
export function listQuery<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).filter(Boolean))
    .pipe(z.array(item).min(1).max(32));
}

// ── Records, as responses show them ─────────────────────────────────────────

export const embeddingRecord = z.object({
  status: z.enum(['none', 'pending', 'ready', 'failed']).describe('`failed`: the embedding provider refused the text every time it was tried (see `error`); keyword search still finds the record'),
  model: z.string().optional(),
  dimensions: z.number().optional(),
  truncated: z.boolean().optional().describe('The vector covers only the start of the text, which is longer than the model takes'),
  error: z.string().optional().describe('Why the provider refused the text (failed records only)'),
});

const scopeRecord = {
  namespace: z.string(),
  userId: z.string().optional(),
  agentId: z.string().optional(),
  sessionId: z.string().optional(),
};

export const messageRecord = z.object({
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  name: z.string().optional(),
  createdAt: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const sessionRecord = z.object({
  sessionId: z.string(),
  namespace: z.string(),
  userId: z.string().optional(),
  agentId: z.string().optional(),
  messages: z.array(messageRecord),
  state: z.record(z.string(), z.unknown()),
  summary: z.string().optional(),
  ttlSeconds: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
});

export const episodeRecord = z.object({
  id: z.string(),
  ...scopeRecord,
  kind: z.string(),
  content: z.string(),
  role: z.enum(MESSAGE_ROLES).optional(),
  occurredAt: z.string(),
  createdAt: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  task: z.string().optional(),
  context: z.string().optional(),
  outcome: z.enum(INTERVENTION_OUTCOMES).optional(),
  embedding: embeddingRecord,
});

export const memoryRecord = z.object({
  id: z.string(),
  ...scopeRecord,
  content: z.string(),
  kind: z.enum(MEMORY_KINDS),
  importance: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  expiresAt: z.string().optional(),
  sourceEpisodeIds: z.array(z.string()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  embedding: embeddingRecord,
});

/** How much each signal contributed to a recall hit, each raw (not scaled like `score`); null where a signal did not take part. */
export const scorePartsRecord = z.object({
  keyword: z.number().nullable().describe('Raw BM25 score of the keyword match, with the searched scope’s statistics (unbounded)'),
  vector: z.number().nullable().describe('Raw cosine similarity to the query (-1 to 1)'),
  recency: z.number().nullable().describe('1 for a record of this instant, halving every search.recencyHalfLifeDays (hybrid)'),
  neighbours: z.number().nullable().describe('What adjacent episodes of the same session and the session added to the fused score, before scaling (hybrid, episodes)'),
});

export const memoryVersionRecord = z.object({
  memoryId: z.string(),
  version: z.number(),
  content: z.string(),
  kind: z.enum(MEMORY_KINDS),
  importance: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  expiresAt: z.string().optional(),
  sourceEpisodeIds: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  reason: z.enum(['update', 'merge']),
});

/**
 * The answer of a batch write (`POST /episodes`, `POST /memories`): `ids` and `results` in input
 * order, each result saying what became of its item. 201 when anything was created, else 200.
 */
export function batchWriteResult<A extends readonly [string, ...string[]], E extends z.ZodRawShape>(actions: A, extra: E) {
  return z.object({
    ids: z.array(z.string()).describe('The id of each item, in input order'),
    results: z.array(z.object({ id: z.string(), action: z.enum(actions), ...extra })).describe('What became of each item, in input order'),
  });
}

export const namespaceQuery = z.strictObject({ namespace: namespaceField });
export const anyNamespaceQuery = z.strictObject({ namespace: anyNamespaceField });
export const idParams = z.strictObject({ id: idSchema });
export const sessionParams = z.strictObject({ sessionId: idSchema });

/** The records every app names as components of its OpenAPI document (`#/components/schemas/<name>`). */
export const NAMED_RECORDS = {
  Memory: memoryRecord,
  MemoryVersion: memoryVersionRecord,
  Episode: episodeRecord,
  Session: sessionRecord,
  Message: messageRecord,
  Embedding: embeddingRecord,
  ScoreParts: scorePartsRecord,
} as const;
