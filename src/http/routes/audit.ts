import { z } from 'zod';
import { AUDIT_ACTIONS, SYSTEM_ACTIONS } from '../../audit/audit-actions.js';
import { AUDIT_OUTCOMES } from '../../core/types.js';
import * as example from '../openapi/examples.js';
import { cursorQuery, idSchema, limitQuery, timestampSchema } from '../schemas.js';
import { checkRange } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const ACTIONS = [...new Set([...Object.values(AUDIT_ACTIONS).map((entry) => entry.action), ...SYSTEM_ACTIONS])].sort() as [string, ...string[]];

const auditEntry = {
  id: 'aud_01JQ9D1E3F5G7H9J1K3M5N7P9Q',
  time: '2026-11-21T09:02:44.118Z',
  keyId: example.KEY_ID,
  role: 'write',
  action: 'memories.update',
  method: 'PATCH',
  route: '/api/v1/memories/:id',
  namespace: example.NAMESPACE,
  userId: example.USER_ID,
  recordIds: [example.MEMORY_ID],
  recordCount: 1,
  outcome: 'ok',
  status: 200,
  requestId: '3f0c2a4e-5b7d-4e8f-9a1b-2c3d4e5f6a7b',
};

const auditRecord = z.object({
  id: z.string().describe('The entry id (`aud_…`, sorts by time)'),
  time: z.string().describe('When the request was answered (ISO 8601, UTC)'),
  keyId: z.string().optional().describe('The API key (`local` while authentication is off); absent when the request proved no key'),
  role: z.string().optional().describe('The role of that key'),
  action: z.string().describe('What was done, e.g. `memories.upsert`, `keys.create`, `erasure.user`'),
  method: z.string().describe('The HTTP method'),
  route: z.string().describe('The route pattern, e.g. `/api/v1/memories/:id`'),
  namespace: z.string().optional().describe('Absent on routes that cover every namespace'),
  userId: z.string().optional().describe('The user the request worked on, when it named one'),
  recordIds: z.array(z.string()).optional().describe('Records the request named or changed (at most 100)'),
  recordCount: z.number().optional().describe('Records it changed'),
  outcome: z.enum(AUDIT_OUTCOMES).describe('ok, denied (401, 403, 429: who asked was refused) or failed (any other error)'),
  status: z.number().optional().describe('HTTP status; absent on an entry committed in the transaction of its change, before the answer'),
  requestId: z.string().describe('The request id, as the X-Request-Id header of the answer gave it'),
})
  .describe('One audited request: who did what, where, and how it ended (never any text)')
  .meta({ examples: [auditEntry] });


/** The audit log: `GET /api/v1/admin/audit`. */
export function auditRoutes(app: ZodApp, { services, config, schemas }: RouteContext): void {
  schemas.name('AuditEntry', auditRecord);
  app.get('/api/v1/admin/audit', {
    schema: {
      tags: ['operations'],
      operationId: 'listAuditEntries',
      summary: 'The audit log, newest first: who changed what, where and how it ended (never any text)',
      description:
        'Lists audited requests newest first: every change, every admin action and every denied request (and reads when `audit.reads` is on), each with its key, action, namespace, record ids and outcome, never any text. ' +
        'Filter by namespace, key, action and time; pass `nextCursor` as `cursor` for the next page. Needs the `admin` role.',
      querystring: z
        .strictObject({
          namespace: idSchema.optional().describe('Entries of this namespace only').meta({ examples: [example.NAMESPACE] }),
          keyId: idSchema.optional().describe('Entries of this API key only'),
          action: z.enum(ACTIONS).optional().describe('Entries of this action only').meta({ examples: ['memories.update'] }),
          from: timestampSchema.optional().describe('Entries at or after this time (ISO 8601 with a zone)'),
          to: timestampSchema.optional().describe('Entries before this time; later than `from`'),
          limit: limitQuery(config.list.maxLimit)
            .default(config.list.defaultLimit)
            .describe(`Entries per page, 1 to ${config.list.maxLimit}; default ${config.list.defaultLimit}`),
          cursor: cursorQuery,
        })
        .superRefine(checkRange),
      response: {
        200: schemas.name(
          'AuditPage',
          z
            .object({
              items: z.array(auditRecord).describe('The entries of this page, newest first'),
              nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page'),
            })
            .describe('A page of the audit log')
            .meta({ examples: [{ items: [auditEntry] }] }),
        ),
      },
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
