// The previous commit as a second source tree to run side by side: a detached git worktree in the
// OS temp dir sharing this tree's node_modules, removed again at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tree {
  root: string;
  remove(): void;
}

/** Builds dist/ in `root` (what `memos serve` runs when installed). */
export function build(root: string): void {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

export function checkoutBaseline(repo: string, commit: string): Tree {
  const root = join(mkdtempSync(join(tmpdir(), 'memos-bench-baseline-')), 'tree');
  execFileSync('git', ['-C', repo, 'worktree', 'add', '--detach', root, commit], { stdio: 'ignore' });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    root,
    remove() {
      execFileSync('git', ['-C', repo, 'worktree', 'remove', '--force', root], { stdio: 'ignore' });
      rmSync(join(root, '..'), { recursive: true, force: true });
    },
  };
}
