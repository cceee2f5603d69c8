// Every package memOS itself installs (the server and the client, with their development tools)
// supports the Node.js versions memOS declares, so that no dependency needs a newer Node.js than
// the README promises. The framework adapters' frameworks are the one exception: some declare a
// newer Node.js than memOS runs on. Such a package may only be reached through an adapter's
// framework, and that adapter's README must say so.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  engines?: { node?: string } | string[];
  optional?: boolean;
  os?: string[];
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockEntry> };

/** The workspaces of the framework adapters; the client (packages/client) is memOS's own. */
const ADAPTERS = ['packages/ai-sdk', 'packages/langgraph', 'packages/mastra', 'packages/openai-agents'];

/** Where Node.js finds `name` when `from` imports it: the nearest node_modules up the path. */
function resolveFrom(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const path = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock.packages[path]) return path;
    if (dir === '') return undefined;
  }
}

/** Every installed package reached from `starts` through dependencies of any kind (the starts' own development ones included). */
function closure(starts: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    let path = queue.pop()!;
    const entry = lock.packages[path];
    if (entry?.link && entry.resolved !== undefined) path = entry.resolved;
    if (seen.has(path) || !lock.packages[path]) continue;
    seen.add(path);
    const own = lock.packages[path]!;
    const names = { ...own.dependencies, ...own.optionalDependencies, ...own.peerDependencies, ...(starts.includes(path) ? own.devDependencies : {}) };
    for (const name of Object.keys(names)) {
      const found = resolveFrom(path, name);
      if (found) queue.push(found);
    }
  }
  return seen;
}

/** Packages of the lock that declare a Node.js range, platform-specific optional builds left out. */
const declared = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  return path === '' || range === undefined || (entry.optional === true && entry.os !== undefined) ? [] : [[path, range] as const];
});
const oldest = semver.minVersion(manifest.engines.node)!.version;
const unsupported = declared.filter(([, range]) => [oldest, process.versions.node].some((version) => !semver.satisfies(version, range, { includePrerelease: true })));

describe('dependency engines', () => {
  it('the running Node.js is one memOS supports', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
  });

  it("every package the server and the client install supports the oldest Node.js memOS supports and the one running", () => {
    const own = closure(['', 'packages/client']);
    expect(declared.length).toBeGreaterThan(0);
    expect(own.size).toBeGreaterThan(100);
    expect(unsupported.filter(([path]) => own.has(path)).map(([path, range]) => `${path} needs node ${range}`)).toEqual([]);
  });

  it("a package that needs a newer Node.js comes only with an adapter's framework, whose README says so", () => {
    const byAdapter = new Map(ADAPTERS.map((adapter) => [adapter, closure([adapter])]));
    for (const [path, range] of unsupported) {
      const adapters = ADAPTERS.filter((adapter) => byAdapter.get(adapter)!.has(path));
      expect(adapters, `${path} needs node ${range}, and no adapter brings it`).not.toEqual([]);
      for (const adapter of adapters) {
        const readme = readFileSync(new URL(`${adapter}/README.md`, root), 'utf8');
        expect(readme, `${adapter}/README.md should say that its framework declares a newer Node.js (${path}: ${range})`).toMatch(/declares Node >= 22/);
      }
    }
  });
});
