import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeSetting } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';

/**
 * Creates the data folder when missing and, when memOS will write there (the SQLite database, or
 * a model to fetch), checks that it can, before anything opens a file in it: a folder that cannot
 * be created, that is a file or sits under one, or that is read-only is E_CONFIG (exit 78) naming
 * the setting, not a storage failure.
 */
export function prepareDataFolder(config: Config): void {
  const folder = resolve(config.dataDir);
  const refuse = (problem: string, cause?: unknown) =>
    new MemosError('E_CONFIG', `invalid configuration: ${describeSetting(config, 'dataDir')}: the data folder ${folder} ${problem}`, { cause });
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw refuse('is a file, not a folder', error);
    if (code === 'ENOTDIR') throw refuse(`cannot be created: ${fileAbove(folder) ?? 'a folder above it'} is a file, not a folder`, error);
    throw refuse(`cannot be created (${code ?? 'error'}: ${reason(code)})`, error);
  }
  if (!statSync(folder).isDirectory()) throw refuse('is a file, not a folder');
  const writes = config.storage.driver === 'sqlite' || (config.embeddings.provider === 'model2vec' && config.embeddings.path === undefined);
  if (!writes) return;
  const probe = join(folder, `.memos-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(`is not writable (${code ?? 'error'}: ${reason(code)})`, error);
  }
}

/** The nearest existing path above `folder` that is a file, when one is. */
function fileAbove(folder: string): string | undefined {
  for (let path = dirname(folder); path !== dirname(path); path = dirname(path)) {
    try {
      if (!statSync(path).isDirectory()) return path;
      return undefined;
    } catch {
      // not there: look further up
    }
  }
  return undefined;
}

function reason(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return 'the operating system refused';
  }
}
