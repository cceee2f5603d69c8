import { z } from 'zod';
import type { MetadataValue, RecordFilter } from '../../core/types.js';
import type { ListInput } from '../../memory/paging.js';
import { idSchema, limitQuery, listQuery, timestampSchema, type FieldSchemas } from '../schemas.js';

interface FilterQuery {
  namespace: string;
  userId?: string | undefined;
  agentId?: string | undefined;
  sessionId?: string | undefined;
  kind?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  metadata?: Record<string, MetadataValue> | undefined;
}

/** The storage-neutral filter for a listing or search request. */
export function scopeFilter(query: FilterQuery): RecordFilter {
  const filter: RecordFilter = { namespace: query.namespace };
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

/** The query string of a time-ordered listing (`GET /episodes`, `GET /memories`), with `kind` of the given schema. */
export function listingQuery<K extends z.ZodType<string, string>>(fields: FieldSchemas, kind: K, defaultOrder: 'asc' | 'desc') {
  return z
    .strictObject({
      namespace: fields.namespace,
      userId: idSchema.optional(),
      agentId: idSchema.optional(),
      sessionId: idSchema.optional(),
      kind: listQuery(kind).optional(),
      from: timestampSchema.optional(),
      to: timestampSchema.optional(),
      order: z.enum(['asc', 'desc']).default(defaultOrder),
      limit: limitQuery(500).default(50),
      cursor: z.string().max(512).optional(),
    })
    .superRefine(checkRange);
}

/** A parsed listing query as the services take it. */
export function listInput(query: FilterQuery & { limit: number; order: 'asc' | 'desc'; cursor?: string | undefined }): ListInput {
  const { limit, order, cursor } = query;
  return { filter: scopeFilter(query), limit, order, ...(cursor === undefined ? {} : { cursor }) };
}
