// Every installed package supports the Node.js versions memOS declares, so that `npm ci` prints no
// engine warning and no dependency needs a newer Node.js than the README promises.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>;
};

/** Packages of the lock that declare a Node.js range, platform-specific optional builds left out. */
const declared = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  return path === '' || range === undefined || (entry.optional === true && entry.os !== undefined) ? [] : [[path, range] as const];
});

describe('dependency engines', () => {
  it('the running Node.js is one memOS supports', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
  });

  it('every installed package supports the oldest Node.js memOS supports and the one running', () => {
    const oldest = semver.minVersion(manifest.engines.node)!.version;
    const unsupported = declared.filter(([, range]) =>
      [oldest, process.versions.node].some((version) => !semver.satisfies(version, range, { includePrerelease: true })),
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(unsupported.map(([path, range]) => `${path} needs node ${range}`)).toEqual([]);
  });
});
