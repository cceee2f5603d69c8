import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { MemosError } from '../../core/errors.js';
import { logicalBackup } from '../logical-backup.js';
import { parseFlags } from '../parse-flags.js';
import { createProgress } from '../progress.js';
import { connectServer, SERVER_FLAGS } from '../server-api.js';

export const backupUsage = `Usage: memos backup --out FILE [--data-dir DIR] [--config FILE] [--force] [--quiet]
       memos backup --out FILE [--url URL] [--admin-key KEY] [--namespace NS]... [--with-vectors]

Backs memOS up while it keeps serving.

Embedded (the storage is SQLite: no MEMOS_DATABASE_URL, no --url): a consistent snapshot of the
database in the data folder, taken beside a running memOS (no need to stop it, and it does not
take the folder's lock). The copy is one SQLite file, checked with PRAGMA integrity_check before
the command reports success. Bring it back with 'memos restore FILE --data-dir DIR'.

Server mode (MEMOS_DATABASE_URL is set, or --url names a server): a logical backup through the
export format (NDJSON), namespace by namespace, from the running server. Bring it back with
'memos import'. For full backups of PostgreSQL and Redis see "Backup and restore" in
docs/operations.md (pg_dump, Redis AOF).

  --out FILE         where the backup goes; written to a temp file beside it and renamed
  --force            replace FILE when it exists
  --data-dir DIR     the data folder (MEMOS_DATA_DIR), embedded
  --config FILE      a JSON config file (MEMOS_CONFIG)
  --url URL          a running memOS: a logical backup through its export
  --admin-key KEY    an admin key for the server; default MEMOS_ADMIN_KEY or MEMOS_ADMIN_KEY_FILE
  --namespace NS     only this namespace (repeatable); every namespace by default
  --with-vectors     include the vectors in a logical backup
  --quiet            no progress
  -h, --help         show this help`;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `memos backup`: an online snapshot of the embedded database, or a logical backup of a server. */
export async function backupCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, {
    out: { type: 'string' },
    force: { type: 'boolean' },
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    ...SERVER_FLAGS,
    namespace: { type: 'string', multiple: true },
    'with-vectors': { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  const out = values.out;
  if (out === undefined || out === '') throw new MemosError('E_CONFIG', '--out is required: the file the backup is written to');
  const quiet = values.quiet ?? false;
  const config = values.url === undefined ? loadConfig({ flags: { 'data-dir': values['data-dir'], config: values.config }, env: process.env }) : undefined;

  if (config !== undefined && config.storage.driver === 'sqlite') {
    for (const flag of ['admin-key', 'namespace', 'with-vectors'] as const) {
      if (values[flag] !== undefined) throw new MemosError('E_CONFIG', `--${flag} goes with a server (--url, or MEMOS_DATABASE_URL): an embedded backup copies the whole database`);
    }
    const { backupDatabase, DATABASE_FILE } = await import('../../storage/sqlite/online-backup.js');
    const progress = createProgress({ label: 'KiB copied', quiet });
    let seen = 0;
    const say = (text: string) => quiet || process.stderr.write(`${text}\n`);
    const result = await backupDatabase({
      source: join(config.dataDir, DATABASE_FILE),
      out,
      overwrite: values.force ?? false,
      onBytes(written, expected) {
        progress.setTotal(Math.max(Math.ceil(expected / 1024), Math.ceil(written / 1024)));
        const now = Math.floor(written / 1024);
        if (now > seen) progress.tick(now - seen);
        seen = Math.max(seen, now);
      },
      onPhase(phase) {
        if (phase === 'syncing') progress.done();
        if (phase === 'verifying') say('verifying the copy (PRAGMA integrity_check, schema version, counts)');
      },
    });
    const c = result.counts;
    process.stdout.write(
      `backup written: ${result.out} (${mib(result.bytes)}, schema ${result.schemaVersion}; ${c.memories} memories, ${c.memoryHistory} history versions, ${c.episodes} episodes, ${c.sessions} sessions, ${c.apiKeys} API keys) in ${(result.ms / 1000).toFixed(1)} s (copy ${(result.copyMs / 1000).toFixed(1)} s, fsync and checks ${(result.verifyMs / 1000).toFixed(1)} s); integrity_check ok\n`,
    );
    return;
  }

  for (const flag of ['data-dir', 'config'] as const) {
    if (values[flag] !== undefined && values.url !== undefined) throw new MemosError('E_CONFIG', `--${flag} does not go with --url: the server at --url uses its own settings`);
  }
  const server = connectServer({ url: values.url, 'admin-key': values['admin-key'] });
  const progress = createProgress({ label: 'lines exported', quiet });
  const result = await logicalBackup({
    server,
    out,
    overwrite: values.force ?? false,
    namespaces: values.namespace ?? [],
    withVectors: values['with-vectors'] ?? false,
    progress,
  });
  progress.done();
  process.stdout.write(`logical backup written: ${result.out} (${mib(result.bytes)}, ${result.lines} lines, ${result.namespaces.length} namespaces from ${server.base}); bring it back with memos import\n`);
}
