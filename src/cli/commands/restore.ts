import { loadConfig } from '../../config/load.js';
import { MemosError } from '../../core/errors.js';
import { parseCommandLine } from '../parse-flags.js';
import { createProgress } from '../progress.js';

export const restoreUsage = `Usage: memos restore FILE [--data-dir DIR] [--config FILE] [--force] [--quiet]

Brings back a backup that 'memos backup' took of an embedded (SQLite) memOS, into the data folder
DIR; then 'memos serve --data-dir DIR' serves it. FILE must be a whole memOS database (checked
with PRAGMA integrity_check) of a schema this memOS knows. The data folder must be empty unless
--force is given, and no memOS may be serving it (stop it first: --force does not change that).
The copy goes in atomically: a crash leaves the old database or the whole new one. The vector
snapshots of the old database are removed (the index is rebuilt from the restored data).
API keys are part of the database: the restored folder has the keys it had when backed up.

A logical backup (server mode, NDJSON) is brought back with 'memos import' instead; PostgreSQL
and Redis backups with pg_restore and Redis (see docs/operations.md).

  --data-dir DIR     the data folder to restore into (MEMOS_DATA_DIR)
  --config FILE      a JSON config file (MEMOS_CONFIG)
  --force            replace what the data folder holds
  --quiet            no progress
  -h, --help         show this help`;

/** `memos restore FILE`: an embedded backup back into a data folder. */
export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    { 'data-dir': { type: 'string' }, config: { type: 'string' }, force: { type: 'boolean' }, quiet: { type: 'boolean' } },
    1,
  );
  const file = positionals[0];
  if (file === undefined || file === '') throw new MemosError('E_CONFIG', 'name the backup file: memos restore FILE --data-dir DIR');
  const config = loadConfig({ flags: { 'data-dir': values['data-dir'], config: values.config }, env: process.env });
  if (config.storage.driver !== 'sqlite') {
    throw new MemosError('E_CONFIG', `memos restore brings back an embedded (SQLite) backup, and this memOS is set up for PostgreSQL: use pg_restore (deploy/backup/pg-restore.sh) or memos import`);
  }
  const quiet = values.quiet ?? false;
  const { restoreDatabase } = await import('../../storage/sqlite/database-restore.js');
  const progress = createProgress({ label: 'KiB copied', quiet });
  let seen = 0;
  const say = (text: string) => quiet || process.stderr.write(`${text}\n`);
  const result = await restoreDatabase({
    file,
    dataDir: config.dataDir,
    force: values.force ?? false,
    onBytes(copied, total) {
      progress.setTotal(Math.ceil(total / 1024));
      const now = Math.floor(copied / 1024);
      if (now > seen) progress.tick(now - seen);
      seen = Math.max(seen, now);
    },
    onPhase(phase) {
      if (phase === 'checking') say(`checking ${file} (a memOS database, its schema version)`);
      if (phase === 'verifying') {
        progress.done();
        say('verifying the copy (PRAGMA integrity_check)');
      }
    },
  });
  const c = result.counts;
  process.stdout.write(
    `restored into ${result.database}${result.replaced ? ' (replacing the database there)' : ''}: schema ${result.schemaVersion}; ${c.memories} memories, ${c.memoryHistory} history versions, ${c.episodes} episodes, ${c.sessions} sessions, ${c.apiKeys} API keys. Start it with: memos serve --data-dir ${config.dataDir}\n`,
  );
}
