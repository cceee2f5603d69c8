import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MemosError } from '../core/errors.js';

/** Parses a command's flags strictly; an unknown or malformed flag is E_CONFIG (exit code 78). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true }).values;
  } catch (cause) {
    throw new MemosError('E_CONFIG', (cause as Error).message, { cause });
  }
}
