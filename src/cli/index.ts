#!/usr/bin/env node
import { isMemosError } from '../core/errors.js';
import { backupCommand, backupUsage } from './commands/backup.js';
import { forgetCommand, forgetUsage } from './commands/forget.js';
import { exportCommand, exportUsage } from './commands/export.js';
import { importCommand, importUsage } from './commands/import.js';
import { mcpCommand, mcpUsage } from './commands/mcp.js';
import { keysCommand, keysUsage } from './commands/keys.js';
import { reindexCommand, reindexUsage } from './commands/reindex.js';
import { restoreCommand, restoreUsage } from './commands/restore.js';
import { serveCommand, serveUsage } from './commands/serve.js';
import { statsCommand, statsUsage } from './commands/stats.js';

const USAGE = `memOS: a memory server for AI agents

Usage:
  memos serve [--host H] [--port P] [--data-dir DIR] [--config FILE] [--log-level LEVEL]
      run the server
  memos reindex [--url http://127.0.0.1:7420] [--admin-key KEY] [--no-wait] [--interval-ms MS] [--retry-failed] [--quiet]
      embed every record that has no vector of the current model, on a running server
      (--retry-failed: first retry the records the embedding provider refused)
  memos backup --out FILE [--data-dir DIR] [--force]
      a consistent snapshot of the embedded database while memOS keeps serving; in server mode
      (MEMOS_DATABASE_URL, or --url URL) a logical backup through the export format
  memos restore FILE --data-dir DIR [--force]
      bring an embedded backup back into an empty (or, with --force, any) stopped data folder
  memos stats [--namespace N] [--user U] [--json] [--url URL] [--admin-key KEY]
      what a running server holds: namespaces with counts, or one namespace's (or user's)
      counts per tier and kind, sessions, vectors per model, history and bytes on disk
  memos keys create --role read|write|admin [--namespaces A,B] [--user ID] [--name NAME] [--expires TIME]
  memos keys list
  memos keys revoke ID
      make, list and revoke API keys, in the data folder (or PostgreSQL), or with --url URL on a
      running server (see memos help keys)
  memos forget --user ID --namespace NS [--yes] [--url URL] [--admin-key KEY]
  memos forget --namespace NS [--yes] [--url URL] [--admin-key KEY]
      erase every trace of a user (or a whole namespace) on a running server, verify, and
      print the receipt (asks you to type the id to confirm, unless --yes)
  memos export [--namespace NS] [--user ID] [--from T] [--to T] [--with-vectors] [--out FILE]
      export a namespace of a running server as NDJSON (stdout by default)
  memos import FILE [--namespace NS]
      import an export into a running server, idempotently
  memos mcp [--data-dir DIR] [--namespace NS] [--user ID]
  memos mcp --url http://127.0.0.1:7420/mcp [--key KEY]
      serve the MCP tools over stdio (for Claude Desktop, Cursor...): memOS embedded on a data
      folder, or attached to a running server's /mcp with an API key (or MEMOS_API_KEY)
  memos help [COMMAND]      this help, or a command's (also: memos COMMAND --help)
  memos --version

Settings come from defaults < config file < MEMOS_* environment < flags. See the README.`;

interface Command {
  run(args: string[]): Promise<void>;
  usage: string;
}

const commands: Record<string, Command> = {
  serve: { run: serveCommand, usage: serveUsage },
  reindex: { run: reindexCommand, usage: reindexUsage },
  keys: { run: keysCommand, usage: keysUsage },
  backup: { run: backupCommand, usage: backupUsage },
  restore: { run: restoreCommand, usage: restoreUsage },
  forget: { run: forgetCommand, usage: forgetUsage },
  stats: { run: statsCommand, usage: statsUsage },
  export: { run: exportCommand, usage: exportUsage },
  import: { run: importCommand, usage: importUsage },
  mcp: { run: mcpCommand, usage: mcpUsage },
};

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

function unknownCommand(name: string): void {
  process.stderr.write(`memos: unknown command '${name}'\n\n${USAGE}\n`);
  process.exitCode = 2;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || isHelp(name)) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (name === 'help') {
    const topic = args[0];
    if (topic === undefined) process.stdout.write(`${USAGE}\n`);
    else if (Object.hasOwn(commands, topic)) process.stdout.write(`${commands[topic]!.usage}\n`);
    else unknownCommand(topic);
    return;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) return unknownCommand(name);
  if (args.some(isHelp)) {
    process.stdout.write(`${command.usage}\n`);
    return;
  }
  await command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Configuration and start-up errors carry a message meant for the operator.
  const message = isMemosError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
  process.stderr.write(`memos: ${message}\n`);
  process.exit(isMemosError(error) && error.code === 'E_CONFIG' ? 78 : 1);
});
