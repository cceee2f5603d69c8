// The retention settings: rules from the config file or as JSON in MEMOS_RETENTION_RULES (which
// wins), safe defaults, and start-up refused with E_CONFIG naming the setting for a bad rule.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFolder } from '../../test/support/config-folder.js';
import { loadConfig } from './load.js';

const { dir, failure } = configFolder('memos-retention-config-');

describe('retention settings', () => {
  it('default to no rules (nothing removed for its age), an hourly sweep and batches of 200', () => {
    expect(loadConfig({ env: {}, cwd: dir }).retention).toEqual({ rules: [], sweepIntervalSeconds: 3600, batchSize: 200 });
  });

  it('take rules from the config file, and MEMOS_RETENTION_RULES as JSON over them', () => {
    const file = join(dir, 'memos.config.json');
    writeFileSync(file, JSON.stringify({ retention: { rules: [{ namespace: 'shop', tier: 'memories', kind: 'summary', maxAgeDays: 30 }], batchSize: 50 } }));
    expect(loadConfig({ env: { MEMOS_CONFIG: file }, cwd: dir }).retention).toMatchObject({ rules: [{ namespace: 'shop', tier: 'memories', kind: 'summary', maxAgeDays: 30 }], batchSize: 50 });
    const fromEnv = loadConfig({
      env: { MEMOS_CONFIG: file, MEMOS_RETENTION_RULES: '[{"namespace":"*","tier":"episodes","maxAgeDays":0.5}]', MEMOS_RETENTION_SWEEP_SECONDS: '60', MEMOS_RETENTION_BATCH: '200' },
      cwd: dir,
    });
    expect(fromEnv.retention).toEqual({ rules: [{ namespace: '*', tier: 'episodes', maxAgeDays: 0.5 }], sweepIntervalSeconds: 60, batchSize: 200 });
  });

  it.each([
    ['not JSON', '[{namespace:', 'MEMOS_RETENTION_RULES: must be a JSON array of rules'],
    ['not a list', '{"namespace":"*"}', 'MEMOS_RETENTION_RULES: Invalid input: expected array'],
    ['no tier', '[{"namespace":"*","maxAgeDays":5}]', 'MEMOS_RETENTION_RULES (retention.rules.0.tier)'],
    ['a tier that is none', '[{"namespace":"*","tier":"sessions","maxAgeDays":5}]', 'MEMOS_RETENTION_RULES (retention.rules.0.tier)'],
    ['an age of 0', '[{"namespace":"*","tier":"episodes","maxAgeDays":0}]', 'MEMOS_RETENTION_RULES (retention.rules.0.maxAgeDays)'],
    ['an age as text', '[{"namespace":"*","tier":"episodes","maxAgeDays":"5"}]', 'MEMOS_RETENTION_RULES (retention.rules.0.maxAgeDays)'],
    ['a bad namespace', '[{"namespace":"a b","tier":"episodes","maxAgeDays":5}]', 'MEMOS_RETENTION_RULES (retention.rules.0.namespace): must be a namespace'],
    ['an unknown memory kind', '[{"namespace":"*","tier":"memories","kind":"gossip","maxAgeDays":5}]', 'MEMOS_RETENTION_RULES (retention.rules.0.kind): a memory kind must be one of'],
    ['an unknown field', '[{"namespace":"*","tier":"episodes","maxAgeDays":5,"maxAge":3}]', 'MEMOS_RETENTION_RULES (retention.rules.0)'],
    ['a repeated rule', '[{"namespace":"*","tier":"episodes","maxAgeDays":5},{"namespace":"*","tier":"episodes","maxAgeDays":9}]', 'MEMOS_RETENTION_RULES (retention.rules.1): repeats an earlier rule'],
  ])('refuse %s with E_CONFIG naming the setting', (_name, rules, expected) => {
    const { code, message } = failure({ MEMOS_RETENTION_RULES: rules });
    expect(code).toBe('E_CONFIG');
    expect(message).toContain(expected);
  });

  it('refuse a sweep interval or batch size out of range', () => {
    expect(failure({ MEMOS_RETENTION_SWEEP_SECONDS: '0' }).message).toContain('MEMOS_RETENTION_SWEEP_SECONDS');
    expect(failure({ MEMOS_RETENTION_BATCH: '100000' }).message).toContain('MEMOS_RETENTION_BATCH');
  });
});
