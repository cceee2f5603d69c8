import { describe, expect, it } from 'vitest';
import { unknownEnvNames } from './unknown-env.js';

describe('unknown MEMOS_* variables', () => {
  it('finds unknown MEMOS_* variables with the known name a near miss means, leaving test and tool variables alone', () => {
    const env = {
      MEMOS_PROT: '1',
      MEMOS_DATA_DIRS: 'x',
      MEMOS_ALLOWED_HOST: 'x',
      MEMOS_SOMETHING_ELSE: 'x',
      MEMOS_PORT: '1',
      MEMOS_CONFIG: 'x',
      MEMOS_MODEL2VEC_PATH: 'x',
      MEMOS_DATABASE_SCHEMA: 'x',
      MEMOS_REQUIRE_SERVICES: '1',
      MEMOS_TEST_BACKEND: 'server',
      MEMOS_FUZZ_RUNS: '5',
      OTHER: 'x',
    };
    expect(unknownEnvNames(env)).toEqual([
      { name: 'MEMOS_ALLOWED_HOST', suggestion: 'MEMOS_ALLOWED_HOSTS' },
      { name: 'MEMOS_DATA_DIRS', suggestion: 'MEMOS_DATA_DIR' },
      { name: 'MEMOS_PROT', suggestion: 'MEMOS_PORT' },
      { name: 'MEMOS_SOMETHING_ELSE' },
    ]);
  });
});
