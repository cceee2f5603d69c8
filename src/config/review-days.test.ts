// The freshness settings: review periods by kind, from the config file or MEMOS_REVIEW_DAYS (which
// wins), none by default, and start-up refused with E_CONFIG naming the setting for a bad value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFolder } from '../../test/support/config-folder.js';
import { loadConfig } from './load.js';

const { dir, failure } = configFolder('memos-review-config-');

describe('review periods (truth.reviewDays)', () => {
  it('are off by default: no kind goes stale', () => {
    expect(loadConfig({ env: {}, cwd: dir }).truth.reviewDays).toEqual({});
  });

  it('come from the config file as an object, and MEMOS_REVIEW_DAYS as kind=days pairs over it', () => {
    const file = join(dir, 'review.config.json');
    writeFileSync(file, JSON.stringify({ truth: { reviewDays: { fact: 365 } } }));
    expect(loadConfig({ env: { MEMOS_CONFIG: file }, cwd: dir }).truth.reviewDays).toEqual({ fact: 365 });
    expect(loadConfig({ env: { MEMOS_CONFIG: file, MEMOS_REVIEW_DAYS: ' preference = 180 , procedure=0.5' }, cwd: dir }).truth.reviewDays).toEqual({ preference: 180, procedure: 0.5 });
    expect(loadConfig({ env: { MEMOS_REVIEW_DAYS: '' }, cwd: dir }).truth.reviewDays).toEqual({});
  });

  it.each([
    ['not pairs', 'fact', 'MEMOS_REVIEW_DAYS: must be kind=days pairs'],
    ['a kind twice', 'fact=3,fact=4', 'MEMOS_REVIEW_DAYS: names a kind twice'],
    ['an unknown kind', 'opinion=3', 'MEMOS_REVIEW_DAYS'],
    ['zero days', 'fact=0', 'MEMOS_REVIEW_DAYS (truth.reviewDays.fact): must be a number of days'],
    ['not a number', 'fact=soon', 'MEMOS_REVIEW_DAYS (truth.reviewDays.fact): must be a number of days'],
    ['too many days', 'fact=40000', 'MEMOS_REVIEW_DAYS (truth.reviewDays.fact)'],
  ])('refuse %s at start with E_CONFIG naming the setting', (_case, value, message) => {
    const { code, message: text } = failure({ MEMOS_REVIEW_DAYS: value });
    expect(code).toBe('E_CONFIG');
    expect(text).toContain(message);
  });
});
