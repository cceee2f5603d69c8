// MEMOS_* variables memOS does not read: a typo (MEMOS_PROT) would otherwise leave a default in force unseen.
import { DRIVER_ENV_SETTINGS, ENV_SETTINGS, PROVIDER_ENV_SETTINGS } from './setting-names.js';

/** Prefixes of variables read by memOS's own tests and benchmarks, never by the server. */
const TOOLING_ENV_PREFIXES = ['MEMOS_TEST_', 'MEMOS_FUZZ_', 'MEMOS_BENCH_'];
/** Variables memOS reads outside the settings tables. */
const OTHER_ENV = ['MEMOS_CONFIG', 'MEMOS_REQUIRE_SERVICES', 'MEMOS_API_KEY'];

/** Every `MEMOS_*` variable memOS knows. */
export function knownEnvNames(): string[] {
  return [...Object.keys(ENV_SETTINGS), ...Object.keys(PROVIDER_ENV_SETTINGS), ...Object.keys(DRIVER_ENV_SETTINGS), ...OTHER_ENV].filter((name) =>
    name.startsWith('MEMOS_'),
  );
}

/**
 * The `MEMOS_*` variables in `env` that memOS does not read, each with the known name it most
 * likely means (one or two edits away, like MEMOS_PROT for MEMOS_PORT), so that a typo does not
 * silently leave a default in force.
 */
export function unknownEnvNames(env: Record<string, string | undefined>): Array<{ name: string; suggestion?: string }> {
  const known = knownEnvNames();
  return Object.keys(env)
    .filter((name) => name.startsWith('MEMOS_') && !known.includes(name) && !TOOLING_ENV_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => {
      const [best] = known
        .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
        .filter(({ distance }) => distance <= 2)
        .sort((a, b) => a.distance - b.distance);
      return best === undefined ? { name } : { name, suggestion: best.candidate };
    });
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each count one. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}
