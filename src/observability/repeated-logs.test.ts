import { describe, expect, it } from 'vitest';
import { collapseRepeatedLogs } from './repeated-logs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collapseRepeatedLogs', () => {
  it('writes the first occurrence of a key in full, then one line per interval counting the repeats, per key', async () => {
    const lines: string[] = [];
    const logs = collapseRepeatedLogs(60);
    const occur = (key: string, n: number) => logs.log(key, () => lines.push(`${key} full ${n}`), (repeated) => lines.push(`${key} repeated ${repeated} (last ${n})`));
    for (let n = 1; n <= 50; n += 1) occur('E_STORAGE_UNAVAILABLE', n);
    occur('E_INTERNAL', 1);
    expect(lines).toEqual(['E_STORAGE_UNAVAILABLE full 1', 'E_INTERNAL full 1']);
    await sleep(90);
    expect(lines.slice(2)).toEqual(['E_STORAGE_UNAVAILABLE repeated 49 (last 50)']);
    // Still repeating: counted into the next interval, not written in full.
    for (let n = 51; n <= 60; n += 1) occur('E_STORAGE_UNAVAILABLE', n);
    await sleep(90);
    expect(lines.slice(3)).toEqual(['E_STORAGE_UNAVAILABLE repeated 10 (last 60)']);
    // An interval without repeats closes quietly; the next occurrence is written in full again.
    await sleep(90);
    expect(lines).toHaveLength(4);
    occur('E_STORAGE_UNAVAILABLE', 61);
    expect(lines.at(-1)).toBe('E_STORAGE_UNAVAILABLE full 61');
  });

  it('writes the pending counts at once when flushed, and nothing for keys without repeats', async () => {
    const lines: string[] = [];
    const logs = collapseRepeatedLogs(10_000);
    const occur = (key: string) => logs.log(key, () => lines.push(`${key} full`), (repeated, seconds) => lines.push(`${key} repeated ${repeated} in ${seconds} s`));
    occur('a');
    occur('a');
    occur('a');
    occur('b');
    logs.flush();
    expect(lines).toEqual(['a full', 'b full', 'a repeated 2 in 0 s']);
    occur('a');
    expect(lines.at(-1)).toBe('a full');
    logs.flush();
  });
});
