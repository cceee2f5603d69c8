// The README's curl walk-through, run as written against a real server process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'memos-readme-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The bash blocks of the README's "Walk-through" section, in order. */
function walkthroughScript(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Walk-through'));
  if (!section) throw new Error('README has no Walk-through section');
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
}

describe('README walk-through', () => {
  it('works line by line against a running server', async () => {
    server = await startServerProcess({ MEMOS_DATA_DIR: dataDir });
    const script = walkthroughScript();
    expect(script).toContain('M=http://127.0.0.1:7420');
    const curls = script.match(/(^|\$\(|\s)curl /g)?.length ?? 0;

    // Point the walk-through at this server's port, and have every curl report its status on stderr.
    const run = spawnSync(
      'bash',
      ['-c', `set -euo pipefail\ncurl() { command curl -w '%{stderr}@@%{http_code}\\n' "$@"; }\n${script.replace('M=http://127.0.0.1:7420', `M=${server.baseUrl}`)}`],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const statuses = [...run.stderr.matchAll(/@@(\d{3})/g)].map((match) => Number(match[1]));
    expect(statuses).toHaveLength(curls);

    // Everything succeeds except the one deliberate bad-input example, which is a 400.
    expect(statuses.filter((status) => status >= 300)).toEqual([400]);
    expect(run.stdout).toContain('"field":"memories[1].importance"');
    expect(run.stdout).toContain('"action":"unchanged"');
    expect(run.stdout).toContain('"reason":"update"');
    expect(statuses.slice(-3)).toEqual([204, 204, 204]);
  }, 60_000);
});
