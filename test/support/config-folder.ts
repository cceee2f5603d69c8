// A scratch folder for config tests (removed after the file's tests), and how loading fails there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

export interface ConfigFolder {
  dir: string;
  /** The code and message loading `env` in the folder throws; the test fails if it loads. */
  failure(env: Record<string, string>): { code: string | undefined; message: string };
}

export function configFolder(prefix: string): ConfigFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    failure(env) {
      try {
        loadConfig({ env, cwd: dir });
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
      throw new Error('the config loaded');
    },
  };
}
