import { Readable } from 'node:stream';
import { z } from 'zod';
import { MemosError } from '../../core/errors.js';
import * as example from '../openapi/examples.js';
import { idSchema, namespaceField, timestampSchema } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import { spoolBody } from '../spool-body.js';
import type { RouteContext, ZodApp } from './route-context.js';

export const NDJSON = 'application/x-ndjson';

const outcome = z.object({ created: z.number().describe('Records added'), unchanged: z.number().describe('Records whose id the namespace held already: left as stored') });
const importSummary = z
  .object({
    lines: z.number().describe('Lines read, the header and end line included'),
    sessions: outcome.extend({ expired: z.number().describe('Sessions whose expiresAt had passed: not restored') }).describe('Sessions'),
    episodes: outcome.describe('Episodes'),
    memories: outcome.describe('Memories, with their history'),
    vectors: z
      .object({
        stored: z.number().describe('Vectors taken from the file (of the model this server embeds with)'),
        pending: z.number().describe('Records left for the embedding backfill: no vector in the file, or one of another model'),
      })
      .describe('What became of the records’ vectors'),
  })
  .describe('What an import did, per tier')
  .meta({ examples: [{ lines: 4, sessions: { created: 0, unchanged: 0, expired: 0 }, episodes: { created: 1, unchanged: 0 }, memories: { created: 1, unchanged: 0 }, vectors: { stored: 0, pending: 2 } }] });

/**
 * The export stream, as the document shows it: NDJSON text. It is never parsed whole (import reads
 * it line by line, checking each line, in the service), so the schema accepts the stream as the
 * NDJSON parser hands it over; `type: string` only describes it.
 */
const exportStream = z
  .unknown()
  .describe('NDJSON in the memos-export format (docs/export-format.md): a header line, then session, episode and memory lines, then an end line with the counts')
  .meta({ type: 'string', contentMediaType: NDJSON, example: example.exportStream });

/**
 * Export and import (`/api/v1/export`, `/api/v1/import`): one NDJSON stream in the export format
 * (docs/export-format.md). An import body is received into a temporary file, never into memory (the
 * JSON body limit does not apply), then read line by line, each line bounded by limits.bodyBytes.
 */
export function transferRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['transfer'];
  schemas.name('ExportStream', exportStream);
  // The import body stays a stream for the service to read line by line.
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

  app.get('/api/v1/export', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'exportNamespace',
      summary: `Export a namespace (or one user of it) as an ${NDJSON} stream`,
      description:
        'Streams what the namespace holds in the memos-export format: a header, live sessions, episodes, memories with their whole history, and an end line with the counts, so that a cut stream is noticed. ' +
        'Narrow it to one user or a time range; `withVectors=true` adds each stored vector. `POST /api/v1/import` reads the stream back, here or on another memOS. Always audited. Needs the `write` role; a user-bound key exports its user’s records only.',
      querystring: z.strictObject({
        namespace: namespaceField,
        userId: idSchema.optional().describe("Only this user's records").meta({ examples: [example.USER_ID] }),
        from: timestampSchema.optional().describe("Episodes' occurredAt, memories' and sessions' createdAt at or after this"),
        to: timestampSchema.optional().describe('… and before this'),
        withVectors: z.enum(['true', 'false']).optional().describe('Include each stored vector (base64 of little-endian float32), default false'),
      }),
      produces: [NDJSON],
      response: { 200: { description: 'The export stream', content: { [NDJSON]: { schema: exportStream } } } },
    },
    handler: async (request, reply) => {
      const { userId, from, to, withVectors } = request.query;
      const lines = services.transfer.exportLines({
        namespace: requestNamespace(request),
        ...(userId === undefined ? {} : { userId }),
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        withVectors: withVectors === 'true',
      });
      // The header and the first page are read before the answer starts, so that a store that
      // cannot answer is a problem+json, not a cut stream; a failure later cuts the stream, which
      // its missing end line shows.
      const first = [await lines.next(), await lines.next()];
      // Lines go out in chunks of about 64 KiB: one socket write per line would cost more than the line.
      async function* stream() {
        let chunk = '';
        for (const line of first) if (!line.done) chunk += line.value;
        for await (const line of lines) {
          chunk += line;
          if (chunk.length >= 65_536) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk !== '') yield chunk;
      }
      return reply.type(NDJSON).send(Readable.from(stream(), { objectMode: false }));
    },
  });

  app.post('/api/v1/import', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'importRecords',
      summary: `Import an export stream (${NDJSON}) into the namespace, idempotently`,
      description:
        'Reads a memos-export stream line by line, checking each line, and writes its records into the namespace in batches of 500, each in one transaction. Records keep their ids, times, versions and history; one whose id the namespace holds already is left as stored, so importing twice changes nothing. ' +
        'A bad line is a 400 naming it. Answers 201 when anything was created, else 200. Needs the `write` role; a user-bound key imports records of its user only.',
      querystring: z.strictObject({ namespace: namespaceField.describe('Where the records go (default: `default`); the file’s namespace is not used') }),
      consumes: [NDJSON],
      body: exportStream,
      response: { 200: schemas.name('ImportResult', importSummary), 201: importSummary },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if (!(body instanceof Readable)) throw new MemosError('E_UNSUPPORTED_MEDIA_TYPE', `body: send the export stream as ${NDJSON}`);
      const bound = boundUser(request).userId;
      // Received whole first (into a file, not memory), so that the request timeout does not cut a long import.
      const spooled = await spoolBody(body);
      try {
        const summary = await services.transfer.import({ namespace: requestNamespace(request), ...(bound === undefined ? {} : { boundUserId: bound }), body: spooled.stream() });
        const created = summary.sessions.created + summary.episodes.created + summary.memories.created;
        return await reply.code(created > 0 ? 201 : 200).send(summary);
      } finally {
        await spooled.remove();
      }
    },
  });
}
