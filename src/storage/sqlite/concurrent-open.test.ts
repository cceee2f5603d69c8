// `memos keys` opens the data folder's database beside `memos serve`, possibly both on a folder
// that has no database yet: processes that open one file at the same moment must all succeed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'memos-concurrent-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the opener in a process of its own; resolves with what it printed. */
function opener(path: string, at: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/open-sqlite-storage.ts', path, String(at)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
}

describe('a fresh SQLite database opened by several processes at once', () => {
  it('is created and migrated once, and every process opens it', { timeout: 60_000 }, async () => {
    // Before migrations were checked again under the write lock, most rounds failed one process with "table episodes already exists".
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `round-${round}`, 'memos.db');
      // Far enough ahead for three Node.js processes with the TypeScript loader to be spinning by then.
      const at = Date.now() + 4_000;
      const results = await Promise.all([opener(path, at), opener(path, at), opener(path, at)]);
      expect(results, `round ${round}`).toEqual(['opened', 'opened', 'opened']);
    }
  });
});
