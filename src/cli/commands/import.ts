import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { MemosError } from '../../core/errors.js';
import { parseCommandLine } from '../parse-flags.js';
import { createProgress } from '../progress.js';
import { connectServer, SERVER_FLAGS } from '../server-api.js';

export const importUsage = `Usage: memos import FILE [--namespace NS] [--url URL] [--admin-key KEY]

Imports an export file (docs/export-format.md) into a running memOS, keeping ids, times, versions
and history. Importing the same file twice changes nothing: records whose id the namespace already
holds are left as stored. A bad line is reported by number; the batches before it stay imported,
so fix the line and import the file again. Prints the counts per tier as JSON.

  --namespace NS     import into this namespace (default: the namespace the file was exported from)
  --url URL          the server (default http://MEMOS_HOST:MEMOS_PORT)
  --admin-key KEY    a key, when the server requires one (default MEMOS_ADMIN_KEY or MEMOS_ADMIN_KEY_FILE)
  -h, --help         show this help`;

/** The namespace in the file's header line, when it has one. */
async function headerNamespace(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as { filters?: { namespace?: unknown } };
    return typeof header.filters?.namespace === 'string' ? header.filters.namespace : undefined;
  } catch {
    return undefined; // the server names what is wrong with the header
  } finally {
    await handle.close();
  }
}

/** How many lines `file` holds, read once in chunks. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (let at = (chunk as Buffer).indexOf(10); at !== -1; at = (chunk as Buffer).indexOf(10, at + 1)) lines += 1;
  return lines;
}

/** `memos import FILE`: streams the file to POST /api/v1/import of a running memOS. */
export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, { ...SERVER_FLAGS, namespace: { type: 'string' } }, 1);
  const file = positionals[0];
  if (file === undefined) throw new MemosError('E_CONFIG', `name the file to import: ${importUsage.split('\n')[0]}`);
  const server = connectServer(values);
  const namespace = values.namespace ?? (await headerNamespace(file));
  const progress = createProgress({ label: 'lines sent', total: await countLines(file) });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let n = 0;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n += 1;
      if (n > 0) progress.tick(n);
      done(null, chunk);
    },
  });
  const body = createReadStream(file).pipe(counter);
  const summary = await server.json<Record<string, unknown>>('POST', '/api/v1/import', {
    query: { namespace },
    body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  progress.done('imported');
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
