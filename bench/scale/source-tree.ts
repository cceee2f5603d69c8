// The memOS builds the scale benchmark starts: this checkout, and a baseline commit checked out in a
// temporary git worktree (BENCH_BASELINE_REF), each compiled with `tsc -p tsconfig.build.json` and
// run as `node dist/cli/index.js serve`, so both are measured the same way.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SourceTree {
  /** `current`, or `baseline <ref>`. */
  label: string;
  /** The folder holding dist/cli/index.js. */
  root: string;
  /** The commit it was built from (`git rev-parse --short HEAD`; the worktree may hold changes on top). */
  commit: string;
  buildSeconds: number;
  remove(): Promise<void>;
}

const git = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

async function build(root: string): Promise<number> {
  const start = performance.now();
  try {
    await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p tsconfig.build.json failed in ${root}:\n${`${stdout}${stderr}`.slice(0, 4000)}`);
  }
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) throw new Error(`${root}: the build left no dist/cli/index.js`);
  return (performance.now() - start) / 1000;
}

/** This checkout, built into its (git-ignored) dist folder. */
export async function currentTree(): Promise<SourceTree> {
  const buildSeconds = await build(REPO_ROOT);
  const dirty = (await git(REPO_ROOT, 'status', '--porcelain', '--', 'src', 'package.json')) !== '';
  return { label: 'current', root: REPO_ROOT, commit: `${await git(REPO_ROOT, 'rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}`, buildSeconds, remove: async () => {} };
}

/**
 * `ref` checked out detached in a temporary worktree, with this checkout's node_modules linked in
 * (a baseline's dependencies are expected to be installed here too), then built. `remove()` takes
 * the worktree away again; it also runs when the build fails.
 */
export async function baselineTree(ref: string): Promise<SourceTree> {
  const commit = await git(REPO_ROOT, 'rev-parse', '--verify', '--short', `${ref}^{commit}`);
  const parent = mkdtempSync(join(tmpdir(), 'memos-bench-scale-baseline-'));
  const root = join(parent, 'tree');
  await git(REPO_ROOT, 'worktree', 'add', '--detach', root, commit);
  const remove = async () => {
    await git(REPO_ROOT, 'worktree', 'remove', '--force', root).catch(() => undefined);
    rmSync(parent, { recursive: true, force: true });
    await git(REPO_ROOT, 'worktree', 'prune').catch(() => undefined);
  };
  try {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const buildSeconds = await build(root);
    return { label: `baseline ${ref}`, root, commit, buildSeconds, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
