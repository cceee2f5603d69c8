import { z } from 'zod';
import { AUDIT_ACTIONS, SYSTEM_ACTIONS } from '../../audit/audit-actions.js';
import { AUDIT_OUTCOMES } from '../../core/types.js';
import { idSchema, limitQuery, timestampSchema } from '../schemas.js';
import { checkRange } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const ACTIONS = [...new Set([...Object.values(AUDIT_ACTIONS).map((entry) => entry.action), ...SYSTEM_ACTIONS])].sort() as [string, ...string[]];

const auditRecord = z.object({
  id: z.string(),
  time: z.string(),
  keyId: z.string().optional().describe('The API key (`local` while authentication is off); absent when the request proved no key'),
  role: z.string().optional(),
  action: z.string(),
  method: z.string(),
  route: z.string().describe('The route pattern, e.g. `/api/v1/memories/:id`'),
  namespace: z.string().optional().describe('Absent on routes that cover every namespace'),
  userId: z.string().optional(),
  recordIds: z.array(z.string()).optional().describe('Records the request named or changed (at most 100)'),
  recordCount: z.number().optional().describe('Records it changed'),
  outcome: z.enum(AUDIT_OUTCOMES),
  status: z.number().optional().describe('HTTP status; absent on an entry committed in the transaction of its change, before the answer'),
  requestId: z.string(),
});

/** The audit log: `GET /api/v1/admin/audit`. */
export function auditRoutes(app: ZodApp, { services, config }: RouteContext): void {
  app.get('/api/v1/admin/audit', {
    schema: {
      tags: ['operations'],
      summary: 'The audit log, newest first: who changed what, where and how it ended (never any text)',
      querystring: z
        .strictObject({
          namespace: idSchema.optional().describe('Entries of this namespace only'),
          keyId: idSchema.optional().describe('Entries of this API key only'),
          action: z.enum(ACTIONS).optional(),
          from: timestampSchema.optional(),
          to: timestampSchema.optional(),
          limit: limitQuery(config.list.maxLimit).default(config.list.defaultLimit),
          cursor: z.string().max(512).optional(),
        })
        .superRefine(checkRange),
      response: { 200: z.object({ items: z.array(auditRecord), nextCursor: z.string().optional() }) },
    },
    handler: (request) => {
      const { limit, cursor, ...filter } = request.query;
      return services.audit.list({ filter: dropUndefined(filter), limit, ...(cursor === undefined ? {} : { cursor }) });
    },
  });
}

function dropUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
