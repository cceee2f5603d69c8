import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRIVER_ENV_SETTINGS, ENV_SETTINGS, FLAG_SETTINGS, PROVIDER_ENV_SETTINGS } from './setting-names.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.split(/^## /m).find((section) => section.startsWith('Configuration')) ?? '';
/** The table row of `setting`, by its first column (which may name several settings). */
const rowOf = (setting: string) => table.split('\n').find((line) => line.startsWith('| ') && line.split('|')[1]!.includes(`\`${setting}\``));

describe("the README's configuration table", () => {
  it.each([
    ...Object.entries(ENV_SETTINGS),
    ...[...Object.entries(PROVIDER_ENV_SETTINGS), ...Object.entries(DRIVER_ENV_SETTINGS)].map(([name, { path }]) => [name, path] as const),
  ])('lists %s on the row of %s', (name, path) => {
    expect(rowOf(path), path).toBeDefined();
    expect(rowOf(path)).toContain(`\`${name}\``);
  });

  it.each(Object.entries(FLAG_SETTINGS))('lists --%s on the row of %s', (flag, path) => {
    expect(rowOf(path)).toContain(`\`--${flag}\``);
  });
});
