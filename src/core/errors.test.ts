import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statusOf } from '../http/problem.js';
import { ERROR_CODES, MemosError, isMemosError, validationError } from './errors.js';

describe('error codes', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it.each(ERROR_CODES)('%s is documented in docs/errors.md with its HTTP status', (code) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${statusOf(code)} |`);
  });

  it('names the first field and counts the rest in a validation message', () => {
    const error = validationError([
      { field: 'memories[0].content', message: 'must not be blank' },
      { field: 'memories[2].kind', message: 'is not a kind' },
    ]);
    expect(error.code).toBe('E_VALIDATION');
    expect(error.message).toBe('memories[0].content: must not be blank (and 1 more)');
    expect(error.details?.field).toBe('memories[0].content');
    expect(isMemosError(error)).toBe(true);
    expect(isMemosError(new Error('plain'))).toBe(false);
    expect(new MemosError('E_INTERNAL', 'x', { cause: 'why' }).cause).toBe('why');
  });
});
