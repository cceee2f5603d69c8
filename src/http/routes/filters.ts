import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import type { MetadataValue, RecordFilter } from '../../core/types.js';
import type { ListInput } from '../../memory/paging.js';
import { SEARCH_TYPES, type SearchInput } from '../../memory/recall/search-service.js';
import * as example from '../openapi/examples.js';
import { agentIdField, cursorQuery, episodeKindSchema, limitQuery, listQuery, metadataFilterSchema, sessionIdField, timestampSchema, userIdField, type FieldSchemas } from '../schemas.js';

interface FilterQuery {
  userId?: string | undefined;
  agentId?: string | undefined;
  sessionId?: string | undefined;
  kind?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  metadata?: Record<string, MetadataValue> | undefined;
}

/** The storage-neutral filter for a listing request in `namespace`. */
export function scopeFilter(namespace: string, query: FilterQuery): RecordFilter {
  const filter: RecordFilter = { namespace };
  if (query.userId !== undefined) filter.userId = query.userId;
  if (query.agentId !== undefined) filter.agentId = query.agentId;
  if (query.sessionId !== undefined) filter.sessionId = query.sessionId;
  if (query.kind !== undefined) filter.kinds = query.kind;
  if (query.from !== undefined) filter.from = query.from;
  if (query.to !== undefined) filter.to = query.to;
  if (query.metadata !== undefined) filter.metadata = query.metadata;
  return filter;
}

/** A superRefine that rejects `from` later than or equal to `to`. */
export function checkRange(value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && Date.parse(value.from) >= Date.parse(value.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

/**
 * `metadata` in a query string: a JSON object of conditions, checked as a recall request's
 * `filters.metadata` is (query strings carry no types, and a condition's value may be a number or a boolean).
 */
const metadataQuery = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object, such as {"channel":"email"}' });
      return z.NEVER;
    }
  })
  .pipe(metadataFilterSchema);

/**
 * The query string of a time-ordered listing (`GET /episodes`, `GET /memories`), with `kind` of the
 * given schema and `limit` bounded by `list`; `kindExample` is the kind the document shows.
 */
export function listingQuery<K extends z.ZodType<string, string>>(fields: FieldSchemas, kind: K, defaultOrder: 'asc' | 'desc', list: Config['list'], kindExample: string, time: string) {
  return z
    .strictObject({
      namespace: fields.namespace,
      userId: userIdField.describe('Only records of this user').meta({ examples: [example.USER_ID] }),
      agentId: agentIdField.describe('Only records of this agent'),
      sessionId: sessionIdField.describe('Only records of this session'),
      kind: listQuery(kind).optional().describe('Only these kinds: repeat the parameter or separate kinds with commas (1 to 32)').meta({ example: kindExample }),
      from: timestampSchema.optional().describe(`Only records whose ${time} is at or after this (ISO 8601 with a zone)`),
      to: timestampSchema.optional().describe(`Only records whose ${time} is before this; later than \`from\``),
      metadata: metadataQuery
        .optional()
        .describe('Only records whose metadata holds each key of this JSON object with exactly its value (string, number or boolean); at most 16, such as {"channel":"email"}')
        .meta({ example: '{"channel":"email"}' }),
      order: z.enum(['asc', 'desc']).default(defaultOrder).describe(`By ${time}: asc (oldest first) or desc (newest first); default ${defaultOrder}`),
      limit: limitQuery(list.maxLimit).default(list.defaultLimit).describe(`Items per page, 1 to ${list.maxLimit}; default ${list.defaultLimit}`).meta({ examples: [20] }),
      cursor: cursorQuery,
    })
    .superRefine(checkRange);
}

/** A parsed listing query in `namespace`, as the services take it. */
export function listInput(namespace: string, query: FilterQuery & { limit: number; order: 'asc' | 'desc'; cursor?: string | undefined }): ListInput {
  const { limit, order, cursor } = query;
  return { filter: scopeFilter(namespace, query), limit, order, ...(cursor === undefined ? {} : { cursor }) };
}

// ── Recall requests (search, context) ───────────────────────────────────────

/** A recall query: not blank, at most 4096 characters. */
export const recallQuery = z
  .string()
  .refine((value) => value.trim().length > 0, 'must not be blank')
  .refine((value) => value.length <= 4096, 'must be at most 4096 characters')
  .describe('What to recall, in words: not blank, at most 4096 characters');

export const recallTypes = z
  .array(z.enum(SEARCH_TYPES))
  .min(1)
  .max(2)
  .default([...SEARCH_TYPES])
  .describe('Which tiers to search: memories, episodes, or both (the default)');

/** `filters` of a recall request: kind (one or many), time range and metadata. */
export const recallFilters = z
  .strictObject({
    kind: z
      .union([episodeKindSchema, z.array(episodeKindSchema).min(1).max(32)])
      .optional()
      .describe('Only these kinds (memory kinds and episode kinds alike): one, or a list of 1 to 32'),
    from: timestampSchema.optional().describe('Only records from this time on (episodes: occurredAt; memories: createdAt), ISO 8601 with a zone'),
    to: timestampSchema.optional().describe('Only records before this time; later than `from`'),
    metadata: metadataFilterSchema
      .optional()
      .describe('Only records whose metadata holds each of these keys with exactly this value (string, number or boolean); at most 16'),
  })
  .superRefine(checkRange)
  .default({})
  .describe('Narrows the records searched: kind, time range and metadata; default none');

/** Recall filters as the services take them: `kind` becomes the list `kinds`. */
export function searchFilters({ kind, ...rest }: z.output<typeof recallFilters>): SearchInput['filters'] {
  return { ...rest, ...(kind === undefined ? {} : { kinds: Array.isArray(kind) ? kind : [kind] }) };
}
