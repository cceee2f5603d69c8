import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { prepareDataFolder } from './data-folder.js';

const scratch = mkdtempSync(join(tmpdir(), 'memos-data-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder memOS cannot write: read-only to a normal user; as root, sysfs refuses new files to everyone. */
function readOnlyFolder(): string {
  if (process.getuid?.() === 0) return '/sys/kernel';
  const folder = mkdtempSync(join(scratch, 'read-only-'));
  chmodSync(folder, 0o500);
  return folder;
}

describe('the data folder at start', () => {
  it('is created when missing', () => {
    const folder = join(scratch, 'new', 'nested');
    prepareDataFolder(loadConfig({ cwd: scratch, env: { MEMOS_DATA_DIR: folder } }));
    expect(() => prepareDataFolder(loadConfig({ cwd: scratch, env: { MEMOS_DATA_DIR: folder } }))).not.toThrow();
  });

  it('must be writable when the database lives there, or a model is to be fetched into it', () => {
    const folder = readOnlyFolder();
    const embedded = loadConfig({ cwd: scratch, env: { MEMOS_DATA_DIR: folder } });
    expect(() => prepareDataFolder(embedded)).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining(`MEMOS_DATA_DIR=${folder}: the data folder ${folder} is not writable`) }));
    const fetching = loadConfig({ cwd: scratch, env: { MEMOS_DATA_DIR: folder, MEMOS_DATABASE_URL: 'postgres://db/m', MEMOS_REDIS_URL: 'redis://r:6379' } });
    expect(() => prepareDataFolder(fetching)).toThrow(/is not writable/);
  });

  it('may be read-only in server mode with a local model, where memOS writes nothing there', () => {
    const folder = readOnlyFolder();
    const config = loadConfig({ cwd: scratch, env: { MEMOS_DATA_DIR: folder, MEMOS_DATABASE_URL: 'postgres://db/m', MEMOS_REDIS_URL: 'redis://r:6379', MEMOS_MODEL2VEC_PATH: '/models/potion' } });
    expect(() => prepareDataFolder(config)).not.toThrow();
  });
});
