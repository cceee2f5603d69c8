import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MemosError } from '../../core/errors.js';
import { parseFlags } from '../parse-flags.js';
import { createProgress } from '../progress.js';
import { connectServer, SERVER_FLAGS } from '../server-api.js';

export const exportUsage = `Usage: memos export [--namespace NS] [--user ID] [--from TIME] [--to TIME] [--with-vectors] [--out FILE] [--url URL] [--admin-key KEY]

Exports a namespace of a running memOS as one NDJSON stream (docs/export-format.md): a header,
then its live sessions, episodes and memories (each with its history), then an end line with the
counts. Written to stdout, or to FILE (written beside it first, then renamed, so that FILE is
never a cut export). Progress goes to stderr.

  --namespace NS     the namespace (default: default)
  --user ID          only this user's records
  --from TIME        episodes from this occurredAt, memories and sessions from this createdAt (ISO 8601)
  --to TIME          ... and before this
  --with-vectors     include the stored vectors (base64 float32, with their model and dimensions)
  --out FILE         write here instead of stdout
  --url URL          the server (default http://MEMOS_HOST:MEMOS_PORT)
  --admin-key KEY    a key, when the server requires one (default MEMOS_ADMIN_KEY or MEMOS_ADMIN_KEY_FILE)
  -h, --help         show this help`;

/** Counts the lines passing through, and keeps the last whole one (to check that the stream ended with its end line). */
function lineCounter(onLines: (n: number) => void) {
  let current = '';
  let lastWhole = '';
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts = chunk.toString('latin1').split('\n');
      for (const part of parts.slice(0, -1)) {
        lastWhole = (current + part).slice(0, 4096);
        current = '';
      }
      if (parts.length > 1) onLines(parts.length - 1);
      current = (current + parts[parts.length - 1]!).slice(0, 4096);
      done(null, chunk);
    },
  });
  return { counter, last: () => lastWhole };
}

/** `memos export`: streams GET /api/v1/export of a running memOS to stdout or a file. */
export async function exportCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, {
    ...SERVER_FLAGS,
    namespace: { type: 'string' },
    user: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'with-vectors': { type: 'boolean' },
    out: { type: 'string' },
  });
  const server = connectServer(values);
  const response = await server.raw('GET', '/api/v1/export', {
    query: { namespace: values.namespace, userId: values.user, from: values.from, to: values.to, withVectors: values['with-vectors'] ? 'true' : undefined },
  });
  if (response.body === null) throw new MemosError('E_UNAVAILABLE', `memOS at ${server.base} answered an export without a body`);
  const progress = createProgress({ label: 'lines exported' });
  const { counter, last } = lineCounter((n) => progress.tick(n));
  const partial = values.out === undefined ? undefined : `${values.out}.partial`;
  const out = partial === undefined ? process.stdout : createWriteStream(partial);
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, out, { end: partial !== undefined });
    if (!last().startsWith('{"type":"end"')) throw new MemosError('E_UNAVAILABLE', `the export from ${server.base} was cut short (no end line): the server stopped answering`);
    if (partial !== undefined) await rename(partial, values.out!);
  } catch (error) {
    if (partial !== undefined) await rm(partial, { force: true });
    throw error;
  }
  const counts = (JSON.parse(last()) as { counts: Record<string, number> }).counts;
  progress.done(`${counts.sessions} sessions, ${counts.episodes} episodes, ${counts.memories} memories`);
}
