import { describe, expect, it } from 'vitest';
import { redactUrl } from './short-term-tier.js';

describe('redactUrl', () => {
  it('replaces the password of a connection string and keeps the rest', () => {
    expect(redactUrl('redis://:s3cret@10.0.0.5:6379/2')).toBe('redis://:redacted@10.0.0.5:6379/2');
    expect(redactUrl('rediss://memos:s3cret@cache.internal:6380')).toBe('rediss://memos:redacted@cache.internal:6380');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  });
});
