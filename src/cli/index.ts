#!/usr/bin/env node
import { isMemosError } from '../core/errors.js';
import { reindexCommand } from './commands/reindex.js';
import { serveCommand } from './commands/serve.js';

const USAGE = `memOS: a memory server for AI agents

Usage:
  memos serve [--host H] [--port P] [--data-dir DIR] [--config FILE] [--log-level LEVEL]
  memos reindex [--url http://127.0.0.1:7420] [--no-wait] [--retry-failed]
      embed every record that has no vector of the current model, on a running server
      (--retry-failed: first retry the records the embedding provider refused)
  memos --version
  memos --help

Settings come from defaults < config file < MEMOS_* environment < flags. See the README.`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: serveCommand,
  reindex: reindexCommand,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`memos: unknown command '${name}'\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  await command(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Configuration and start-up errors carry a message meant for the operator.
  const message = isMemosError(error) ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
  process.stderr.write(`memos: ${message}\n`);
  process.exit(isMemosError(error) && error.code === 'E_CONFIG' ? 78 : 1);
});
