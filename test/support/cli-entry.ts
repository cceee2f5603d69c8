// How the tests start the `memos` command line: from the build in dist/ when it is newer than every
// source file (npm ci builds it), which starts in a fraction of the time; else from the sources,
// through tsx, so that a test never runs code older than the tree it tests.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist', 'cli', 'index.js');

/** The newest modification time of the sources the build compiles (tests left out), in ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsFresh(): boolean {
  try {
    return statSync(BUILT).mtimeMs >= newestSource(join(ROOT, 'src'));
  } catch {
    return false;
  }
}

const fresh = builtIsFresh();

/**
 * Node.js arguments that run `memos`, to be followed by its own arguments; `nodeArgs` come first
 * (an `--import` of a TypeScript helper brings tsx along).
 */
export function memosCommand(nodeArgs: string[] = []): string[] {
  const loader = !fresh || nodeArgs.some((arg) => arg.endsWith('.ts')) ? ['--import', 'tsx'] : [];
  return [...loader, ...nodeArgs, fresh ? BUILT : 'src/cli/index.ts'];
}
