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
so fix the line and import the file again. A file of several exports (a logical backup, which
memos backup writes with one export per namespace) is imported one export at a time, each into
the namespace its header names. Prints the counts per tier as JSON.

  --namespace NS     import into this namespace (default: the namespace the file was exported from;
                     not with a file of several exports)
  --url URL          the server (default http://MEMOS_HOST:MEMOS_PORT)
  --admin-key KEY    a key, when the server requires one (default MEMOS_ADMIN_KEY or MEMOS_ADMIN_KEY_FILE)
  -h, --help         show this help`;

/** One export in the file: from its header line to the next header (a logical backup holds one per namespace). */
interface Part {
  start: number;
  /** Inclusive, as createReadStream takes it. */
  end: number;
  lines: number;
  namespace: string | undefined;
}

const HEADER = Buffer.from('{"type":"header"');

/** The exports `file` holds, found in one pass: each begins at a header line. */
async function partsOf(file: string): Promise<Part[]> {
  const starts: number[] = [];
  const lineCounts: number[] = [];
  let offset = 0;
  let atLineStart = true;
  let lines = 0;
  // A header starts where a line starts; its first bytes may straddle two chunks, so lines are checked once whole.
  let pending: Buffer | undefined;
  let pendingAt = 0;
  const check = (head: Buffer, at: number) => {
    if (head.subarray(0, HEADER.length).equals(HEADER)) {
      if (starts.length > 0) lineCounts.push(lines);
      starts.push(at);
      lines = 0;
    }
  };
  for await (const raw of createReadStream(file)) {
    const chunk = raw as Buffer;
    let from = 0;
    if (pending !== undefined) {
      const need = HEADER.length - pending.length;
      pending = Buffer.concat([pending, chunk.subarray(0, need)]);
      if (pending.length >= HEADER.length || chunk.length >= need) {
        check(pending, pendingAt);
        pending = undefined;
      }
    }
    for (;;) {
      if (atLineStart) {
        const head = chunk.subarray(from, from + HEADER.length);
        if (head.length === HEADER.length) check(head, offset + from);
        else if (from < chunk.length) {
          pending = Buffer.from(head);
          pendingAt = offset + from;
        } else {
          pending = Buffer.alloc(0);
          pendingAt = offset + from;
        }
        atLineStart = false;
      }
      const newline = chunk.indexOf(10, from);
      if (newline === -1) break;
      lines += 1;
      from = newline + 1;
      atLineStart = true;
    }
    offset += chunk.length;
  }
  if (pending !== undefined && pending.length > 0) check(pending, pendingAt);
  if (starts.length === 0) return [{ start: 0, end: Math.max(0, offset - 1), lines, namespace: undefined }];
  lineCounts.push(lines);
  const parts: Part[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = (starts[i + 1] ?? offset) - 1;
    parts.push({ start, end, lines: lineCounts[i]!, namespace: await headerNamespace(file, start) });
  }
  // Bytes before the first header (a stray line) belong to the first part, whose import then names the bad line.
  parts[0]!.start = 0;
  return parts;
}

/** The namespace in the header line at `start`, when it names one. */
async function headerNamespace(file: string, start: number): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as { filters?: { namespace?: unknown } };
    return typeof header.filters?.namespace === 'string' ? header.filters.namespace : undefined;
  } catch {
    return undefined; // the server names what is wrong with the header
  } finally {
    await handle.close();
  }
}

/**
 * `memos import FILE`: streams the file to POST /api/v1/import of a running memOS. A file of several
 * exports (a logical backup: one per namespace) is imported one export at a time, each into the
 * namespace its header names.
 */
export async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, { ...SERVER_FLAGS, namespace: { type: 'string' } }, 1);
  const file = positionals[0];
  if (file === undefined) throw new MemosError('E_CONFIG', `name the file to import: ${importUsage.split('\n')[0]}`);
  const server = connectServer(values);
  const parts = await partsOf(file);
  if (parts.length > 1 && values.namespace !== undefined) {
    throw new MemosError('E_CONFIG', `--namespace: ${file} holds ${parts.length} exports (one per namespace, as memos backup writes them); each goes into the namespace its header names, so leave --namespace out`);
  }
  const progress = createProgress({ label: 'lines sent', total: parts.reduce((sum, part) => sum + part.lines, 0) });
  const summaries: Array<Record<string, unknown>> = [];
  for (const part of parts) {
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        let n = 0;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) n += 1;
        if (n > 0) progress.tick(n);
        done(null, chunk);
      },
    });
    const body = createReadStream(file, { start: part.start, end: part.end }).pipe(counter);
    const namespace = values.namespace ?? part.namespace;
    summaries.push(
      await server.json<Record<string, unknown>>('POST', '/api/v1/import', {
        query: { namespace },
        body,
        headers: { 'content-type': 'application/x-ndjson' },
      }),
    );
  }
  progress.done('imported');
  const answer = parts.length === 1 ? summaries[0] : parts.map((part, i) => ({ namespace: part.namespace, ...summaries[i] }));
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
}
