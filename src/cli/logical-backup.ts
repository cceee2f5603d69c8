// `memos backup` in server mode: a logical backup through the export format. Each namespace's
// `GET /api/v1/export` stream is appended to one file (each part starts with its own header line),
// written to a temp file next to the target, fsynced and renamed, so a file at that name is whole.

import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import { isMemosError, MemosError } from '../core/errors.js';
import { fsyncPath } from '../storage/sqlite/online-backup.js';
import type { Progress } from './progress.js';
import type { ServerApi } from './server-api.js';

export interface LogicalBackupOptions {
  server: ServerApi;
  out: string;
  overwrite?: boolean;
  /** Only these namespaces; every namespace the server lists when empty. */
  namespaces: string[];
  withVectors?: boolean;
  progress: Progress;
}

export interface LogicalBackupResult {
  out: string;
  namespaces: string[];
  lines: number;
  bytes: number;
}

/** A server without the route: a memOS older than the export format. */
async function needRoute<T>(server: ServerApi, route: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isMemosError(error) || error.code !== 'E_NOT_FOUND' || !/no route/.test(error.message)) throw error;
    throw new MemosError('E_UNAVAILABLE', `memOS at ${server.base} has no ${route} (it is older than the export format): back it up with pg_dump (deploy/backup/pg-backup.sh), or upgrade it`, { cause: error });
  }
}

/** The namespaces `GET /api/v1/namespaces` lists, read leniently: names, or objects with a `namespace`. */
export async function listNamespaces(server: ServerApi): Promise<string[]> {
  const answer = await needRoute(server, 'GET /api/v1/namespaces', () => server.json<unknown>('GET', '/api/v1/namespaces'));
  const list = Array.isArray(answer) ? answer : ((answer as { namespaces?: unknown; items?: unknown }).namespaces ?? (answer as { items?: unknown }).items);
  if (!Array.isArray(list)) throw new MemosError('E_UNAVAILABLE', `memOS at ${server.base} answered GET /api/v1/namespaces with no list of namespaces`);
  return list.map((entry: unknown) => (typeof entry === 'string' ? entry : String((entry as { namespace?: unknown; name?: unknown }).namespace ?? (entry as { name?: unknown }).name)));
}

/** Streams every namespace's export into `out` (see the top of this file). */
export async function logicalBackup(options: LogicalBackupOptions): Promise<LogicalBackupResult> {
  const out = resolve(options.out);
  if (!existsSync(dirname(out))) throw new MemosError('E_NOT_FOUND', `the folder ${dirname(out)} does not exist: create it, or give --out in another folder`);
  if (existsSync(out) && !options.overwrite) throw new MemosError('E_CONFLICT', `${out} exists already: give another --out, or --force to replace it`);
  const namespaces = options.namespaces.length > 0 ? options.namespaces : await listNamespaces(options.server);
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  const file = createWriteStream(temp, { flags: 'wx' });
  let lines = 0;
  let bytes = 0;
  try {
    for (const namespace of namespaces) {
      const query = { namespace, ...(options.withVectors ? { withVectors: 'true' } : {}) };
      const response = await needRoute(options.server, 'GET /api/v1/export', () => options.server.raw('GET', '/api/v1/export', { query }));
      if (response.body === null) continue;
      let endsWithNewline = true;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        let count = 0;
        for (const byte of chunk) if (byte === 10) count += 1;
        lines += count;
        bytes += chunk.length;
        endsWithNewline = chunk.length === 0 ? endsWithNewline : chunk[chunk.length - 1] === 10;
        if (!file.write(chunk)) await once(file, 'drain');
        options.progress.tick(count);
      }
      if (!endsWithNewline) {
        file.write('\n');
        lines += 1;
        bytes += 1;
      }
    }
    file.end();
    await once(file, 'close');
    fsyncPath(temp);
    renameSync(temp, out);
    fsyncPath(dirname(out));
    return { out, namespaces, lines, bytes };
  } catch (error) {
    file.destroy();
    rmSync(temp, { force: true });
    throw error;
  }
}
