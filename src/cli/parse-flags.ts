import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MemosError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly; an unknown or malformed flag is E_CONFIG (exit code 78). */
export function parseFlags<T extends Options>(args: string[], options: T) {
  return parseCommandLine(args, options, 0).values;
}

/**
 * Parses flags strictly, and up to `most` arguments that are not flags (such as an id); an
 * unknown or malformed flag, or an argument too many, is E_CONFIG (exit code 78).
 */
export function parseCommandLine<T extends Options>(args: string[], options: T, most: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (cause) {
    throw new MemosError('E_CONFIG', (cause as Error).message, { cause });
  }
  if (parsed.positionals.length > most) {
    // Node's own words, for the flags-only commands as before.
    throw new MemosError('E_CONFIG', `Unexpected argument '${parsed.positionals[most]}'. This command does not take ${most === 0 ? 'positional arguments' : `more than ${most}`}`);
  }
  return parsed;
}
