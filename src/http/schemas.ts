// Request field schemas (built from the configured limits) and record schemas shared by the routes.
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { isStorableTime, TIME_RANGE_MESSAGE } from '../core/clock.js';
import { ID_PATTERN } from '../core/ids.js';
import { EPISODE_KINDS, INTERVENTION_OUTCOMES, MEMORY_KINDS, MESSAGE_ROLES } from '../core/types.js';
import * as example from './openapi/examples.js';

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
  .describe('The namespace, also accepted as `?namespace=` or the X-Memos-Namespace header (name it once, or the same in each); default `default`')
  .meta({ examples: [example.NAMESPACE] });

/** `namespace` on the routes that cover every namespace unless the request names one (cache statistics and clearing). */
export const anyNamespaceField = idSchema
  .optional()
  .describe('One namespace, also accepted as `?namespace=` or the X-Memos-Namespace header (name it once, or the same in each); every namespace when none is named')
  .meta({ examples: [example.NAMESPACE] });

// Examples: a response schema carries JSON Schema `examples`; a request schema carries the OpenAPI
// `example` keyword instead, because zod leaves `examples` out of the input side of a schema that
// transforms (timestamps do) and keeps `example`.

/** The scope fields of a request: optional ids, each described once. */
export const userIdField = idSchema.optional().describe('The user the records belong to (1 to 128 of A-Z a-z 0-9 . _ : @ -)');
export const agentIdField = idSchema.optional().describe('The agent that wrote or reads the records');
export const sessionIdField = idSchema.optional().describe('The session (conversation) the records came from');

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
      role: z.enum(MESSAGE_ROLES).describe('Who said it: user, assistant, system or tool'),
      content: text('content').describe(`The message text: not blank, at most ${limits.contentBytes} bytes of UTF-8`),
      name: idSchema.optional().describe('The name of the speaker or tool, as in chat APIs'),
      createdAt: timestampSchema.optional().describe('When it was said (ISO 8601 with a zone); default the time of the request'),
      metadata: boundedObject(limits.metadataBytes, limits.metadataDepth, 'metadata')
        .optional()
        .describe(`Free-form JSON object: at most ${limits.metadataBytes} bytes and ${limits.metadataDepth} levels deep`),
    }),
  };
}

export type FieldSchemas = ReturnType<typeof fieldSchemas>;

/** `?limit=` in a listing: a whole number from 1 to `max`. */
export const limitQuery = (max: number) => z.coerce.number().int().min(1).max(max);

/** `?cursor=`: the `nextCursor` of the page before, opaque. */
export const cursorQuery = z.string().max(512).optional().describe('The `nextCursor` of the previous page, as it was given (opaque); absent for the first page');

/** A query parameter that may repeat (`?kind=a&kind=b`) or hold a comma-separated list. */
export function listQuery<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).filter(Boolean))
    .pipe(z.array(item).min(1).max(32));
}

// ── Records, as responses show them ─────────────────────────────────────────

export const embeddingRecord = z.object({
  status: z
    .enum(['none', 'pending', 'ready', 'failed'])
    .describe('`none`: written while no embedder was configured; `pending`: waiting for the embedder; `ready`: has a vector; `failed`: the embedding provider refused the text every time it was tried (see `error`). Keyword search finds the record whatever its status'),
  model: z.string().optional().describe('The model that made the vector (ready records)'),
  dimensions: z.number().optional().describe('Length of the vector'),
  truncated: z.boolean().optional().describe('The vector covers only the start of the text, which is longer than the model takes'),
  error: z.string().optional().describe('Why the provider refused the text (failed records only)'),
}).describe('Whether the record has a vector for semantic search').meta({ examples: [{ status: 'ready', model: example.MODEL_ID, dimensions: example.DIMENSIONS }] });

const scopeRecord = {
  namespace: z.string().describe('The namespace (tenant) that holds the record'),
  userId: z.string().optional().describe('The user the record belongs to'),
  agentId: z.string().optional().describe('The agent that wrote it'),
  sessionId: z.string().optional().describe('The session it came from'),
};
/** A time as records show it: ISO 8601 in UTC with milliseconds. */
const time = (what: string) => z.string().describe(`${what} (ISO 8601, UTC)`);
const metadataRecord = z.record(z.string(), z.unknown()).describe('Free-form JSON object given at write time; `{}` when none');

export const messageRecord = z
  .object({
    role: z.enum(MESSAGE_ROLES).describe('Who said it: user, assistant, system or tool'),
    content: z.string().describe('The message text'),
    name: z.string().optional().describe('The name of the speaker or tool, when given'),
    createdAt: time('When it was said'),
    metadata: z.record(z.string(), z.unknown()).optional().describe('Free-form JSON object, when given'),
  })
  .describe('One message of a session')
  .meta({ examples: [example.messages[0]] });

export const sessionRecord = z
  .object({
    sessionId: z.string().describe('The session id the client chose'),
    namespace: scopeRecord.namespace,
    userId: z.string().optional().describe('The user the session belongs to'),
    agentId: z.string().optional().describe('The agent in the conversation'),
    messages: z.array(messageRecord).describe('The messages in the window, oldest first; older ones have been promoted to episodes'),
    state: z.record(z.string(), z.unknown()).describe('Free-form JSON working state of the conversation; `{}` when none'),
    summary: z.string().optional().describe('A running summary of the conversation, when one was written'),
    ttlSeconds: z.number().describe('Idle time to live in seconds: every read or write moves `expiresAt` this far ahead'),
    createdAt: time('When the session was created'),
    updatedAt: time('When it was last written'),
    expiresAt: time('When it expires unless read or written before; its messages then become episodes'),
  })
  .describe('Short-term memory: a conversation with an idle time to live')
  .meta({ examples: [example.session] });

export const episodeRecord = z
  .object({
    id: z.string().describe('The episode id (`ep_…`, sorts by creation time)'),
    ...scopeRecord,
    kind: z.string().describe(`One of ${EPISODE_KINDS.join(', ')}, or a custom kind`),
    content: z.string().describe('What happened, as text'),
    role: z.enum(MESSAGE_ROLES).optional().describe('Who said it, for a message'),
    occurredAt: time('When it happened'),
    createdAt: time('When memOS stored it'),
    metadata: metadataRecord,
    task: z.string().optional().describe('What the agent set out to do (interventions and outcomes)'),
    context: z.string().optional().describe('The situation it acted in (interventions and outcomes)'),
    outcome: z.enum(INTERVENTION_OUTCOMES).optional().describe('How it ended (interventions and outcomes)'),
    embedding: embeddingRecord,
  })
  .describe('Episodic memory: something that happened, and when; append-only')
  .meta({ examples: [example.episode] });

export const conflictMarkRecord = z
  .object({
    memoryId: z.string().describe('The other memory'),
    reason: z.string().describe('Why: `negation`, `opposite-state`, `different-place`, `different-object`, `different-number` (the word-level detector), or `judge: …`'),
    source: z.enum(['detector', 'judge']).describe('Who flagged it: the detector when the memory was written, or the LLM judge afterwards'),
    similarity: z.number().optional().describe('Cosine between the two memories’ vectors, when known'),
    at: time('When it was flagged'),
  })
  .describe('A likely contradiction between two current memories')
  .meta({ examples: [example.conflictMark] });

export const memoryRecord = z
  .object({
    id: z.string().describe('The memory id (`mem_…`, sorts by creation time)'),
    namespace: scopeRecord.namespace,
    userId: scopeRecord.userId,
    agentId: scopeRecord.agentId,
    content: z.string().describe('What is known, as one statement'),
    kind: z.enum(MEMORY_KINDS).describe('fact, preference, reflection, summary or procedure'),
    importance: z.number().describe('0 to 1: how much it matters; context bundles weigh it'),
    metadata: metadataRecord,
    expiresAt: time('When it stops being true and is hidden from every read').optional(),
    sourceEpisodeIds: z.array(z.string()).describe('The episodes it was learned from'),
    version: z.number().describe('Starts at 1; every update or merge that changes it adds one (earlier versions: its history)'),
    createdAt: time('When it was first written'),
    updatedAt: time('When it last changed'),
    lastConfirmedAt: time('When the fact was last stated or confirmed: when it was written, written again (a merge or an unchanged duplicate), its content updated, or confirmed (`POST /api/v1/memories/{id}/confirm`). Past its kind’s review period (`truth.reviewDays`), search and context mark it `stale`'),
    sourceSessionIds: z.array(z.string()).describe('The sessions it was learned or stated again in, oldest first: the same fact written in two sessions is one memory'),
    key: z.string().optional().describe('Its slot, such as `home_city` or `diet`: a later memory with the same key (same namespace, user and agent) supersedes it'),
    validFrom: time('When the fact became true: when it was written, unless the write said otherwise'),
    validTo: time('When it stopped being true: set when it is superseded or retracted; absent while current').optional(),
    supersedes: z.array(z.string()).describe('The memories it replaced'),
    supersededBy: z.string().optional().describe('The memory that replaced it'),
    supersessionReason: z.string().optional().describe('Why it was superseded: `key` (a slot update), `request` (named in a write’s `supersedes`), `duplicate`, or `judge: …` (the LLM judge’s reason)'),
    retractedAt: time('When it was retracted (`POST /api/v1/memories/{id}/retract`)').optional(),
    retractionReason: z.string().optional().describe('The reason given with the retraction'),
    conflicts: z.array(conflictMarkRecord).describe('Likely contradictions with other memories of its user and agent, flagged when it was written or by the LLM judge (`GET /api/v1/conflicts` lists those still open)'),
    embedding: embeddingRecord,
    stale: z
      .boolean()
      .optional()
      .describe('On the reads and writes of one memory and on listings: true when its kind has a review period (`truth.reviewDays`) and `lastConfirmedAt` is older than it; re-check the fact, then confirm or correct it. Search hits and context bundles carry it beside the memory instead'),
  })
  .describe('Semantic memory: a fact, preference, reflection, summary or procedure, versioned')
  .meta({ examples: [example.memory] });

/** Whether a recalled memory is past its kind's review period (docs/truth.md "Freshness"). */
export const staleHit = z
  .boolean()
  .describe('True when the memory’s kind has a review period (`truth.reviewDays`) and `lastConfirmedAt` is older than it: re-check the fact rather than assert it, then confirm it (`POST /api/v1/memories/{id}/confirm`) or correct it. Always false for kinds without a review period');

/** How much each signal contributed to a recall hit, each raw (not scaled like `score`); null where a signal did not take part. */
export const scorePartsRecord = z
  .object({
  keyword: z.number().nullable().describe('Raw BM25 score of the keyword match, with the searched scope’s statistics (unbounded)'),
  vector: z.number().nullable().describe('Raw cosine similarity to the query (-1 to 1)'),
  recency: z.number().nullable().describe('1 for a record of this instant, halving every search.recencyHalfLifeDays (hybrid)'),
  neighbours: z.number().nullable().describe('What adjacent episodes of the same session and the session added to the fused score, before scaling (hybrid, episodes)'),
  time: z.number().nullable().describe('What the time priors multiplied the score by: above 1 near a time the query names, or for a record that speaks of a time when the query asks "when" (hybrid; null when the query names no time)'),
  speaker: z.number().nullable().describe('What the speaker priors multiplied the score by: below 1 for a record said by someone other than the person the query names and asks about, and for a record that only asks (ends in "?"); 1 otherwise (hybrid; null when neither applies)'),
  })
  .describe('How much each signal contributed to a hit, each raw; null where a signal did not take part')
  .meta({ examples: [example.scoreParts] });

export const memoryVersionRecord = z
  .object({
    memoryId: z.string().describe('The memory this is a version of'),
    version: z.number().describe('The version number it had'),
    content: z.string().describe('Its content then'),
    kind: z.enum(MEMORY_KINDS).describe('Its kind then'),
    importance: z.number().describe('Its importance then (0 to 1)'),
    metadata: z.record(z.string(), z.unknown()).describe('Its metadata then'),
    expiresAt: time('Its expiry then').optional(),
    sourceEpisodeIds: z.array(z.string()).describe('Its source episodes then'),
    validFrom: time('When this version became current'),
    validTo: time('When it was replaced'),
    reason: z.enum(['update', 'merge']).describe('What replaced it: an update (PATCH), or a merge of a write that stated the same thing'),
  })
  .describe('A memory as it was before an update or a merge replaced it')
  .meta({ examples: [example.memoryVersion] });

/**
 * The answer of a batch write (`POST /episodes`, `POST /memories`): `ids` and `results` in input
 * order, each result saying what became of its item. 201 when anything was created, else 200.
 */
export function batchWriteResult<A extends readonly [string, ...string[]], E extends z.ZodRawShape>(actions: A, extra: E) {
  return z.object({
    ids: z.array(z.string()).describe('The id of each item, in input order'),
    results: z
      .array(z.object({ id: z.string().describe('The record the item became, or merged into'), action: z.enum(actions).describe(`What the write did: ${actions.join(', ')}`), ...extra }))
      .describe('What became of each item, in input order'),
  });
}

export const namespaceQuery = z.strictObject({ namespace: namespaceField });
export const anyNamespaceQuery = z.strictObject({ namespace: anyNamespaceField });
export const memoryParams = z.strictObject({ id: idSchema.describe('The memory id').meta({ examples: [example.MEMORY_ID] }) });
export const episodeParams = z.strictObject({ id: idSchema.describe('The episode id').meta({ examples: [example.EPISODE_ID] }) });
export const sessionParams = z.strictObject({ sessionId: idSchema.describe('The session id, chosen by the client').meta({ examples: [example.SESSION_ID] }) });

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
