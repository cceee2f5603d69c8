import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ServerProcess } from './server-process.js';

/**
 * A scratch folder for one test file's data folders, and the list of servers it starts: after the
 * file's tests, every server is stopped and the folder removed.
 */
export function scratchSpace(prefix: string) {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const running: ServerProcess[] = [];
  let folders = 0;
  afterAll(async () => {
    for (const server of running) await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  return { scratch, running, freshFolder: () => join(scratch, `data-${++folders}`) };
}
