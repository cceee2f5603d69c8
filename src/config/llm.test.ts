// The LLM judge's settings: off by default, on only with both a URL and a model, one without the
// other refused at start (exit 78) naming the missing setting, and the key never repeated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFolder } from '../../test/support/config-folder.js';
import { logSink } from '../../test/support/log-sink.js';
import { runMemos } from '../../test/support/memos-cli.js';
import { createLogger } from '../observability/logger.js';
import { loadConfig } from './load.js';
import { knownEnvNames } from './unknown-env.js';

const { dir, failure } = configFolder('memos-llm-config-');

describe('LLM judge settings', () => {
  it('are off by default: no URL, no model, no key', () => {
    expect(loadConfig({ env: {}, cwd: dir }).llm).toEqual({ timeoutMs: 60_000, maxCandidates: 8 });
  });

  it('are read from MEMOS_LLM_* and known to the typo check', () => {
    const env = {
      MEMOS_LLM_URL: 'http://127.0.0.1:11434/v1',
      MEMOS_LLM_MODEL: 'llama3.1:8b',
      MEMOS_LLM_API_KEY: 'ollama',
      MEMOS_LLM_TIMEOUT_MS: '120000',
      MEMOS_LLM_MAX_CANDIDATES: '5',
    };
    expect(loadConfig({ env, cwd: dir }).llm).toEqual({ url: 'http://127.0.0.1:11434/v1', model: 'llama3.1:8b', apiKey: 'ollama', timeoutMs: 120_000, maxCandidates: 5 });
    expect(knownEnvNames()).toEqual(expect.arrayContaining(Object.keys(env)));
  });

  it('refuse a URL without a model, and a model without a URL, naming the missing setting', () => {
    expect(failure({ MEMOS_LLM_URL: 'http://127.0.0.1:1234/v1' })).toEqual({
      code: 'E_CONFIG',
      message: 'invalid configuration: llm.model (MEMOS_LLM_MODEL): must be set too when llm.url (MEMOS_LLM_URL) is set: the LLM judge needs both a URL and a model, or neither',
    });
    expect(failure({ MEMOS_LLM_MODEL: 'qwen2.5-7b-instruct' }).message).toBe(
      'invalid configuration: llm.url (MEMOS_LLM_URL): must be set too when llm.model (MEMOS_LLM_MODEL) is set: the LLM judge needs both a URL and a model, or neither',
    );
    const file = join(dir, 'llm-only-url.json');
    writeFileSync(file, JSON.stringify({ llm: { url: 'http://127.0.0.1:8000/v1' } }));
    expect(failure({ MEMOS_CONFIG: file }).message).toContain('llm.model (MEMOS_LLM_MODEL): must be set too');
  });

  it('refuse a URL that is not http(s), and a key that cannot be sent, without repeating the key', () => {
    expect(failure({ MEMOS_LLM_URL: 'ftp://127.0.0.1/v1', MEMOS_LLM_MODEL: 'm' }).message).toBe('invalid configuration: MEMOS_LLM_URL: must be an http:// or https:// URL');
    const bad = failure({ MEMOS_LLM_URL: 'http://127.0.0.1:1234/v1', MEMOS_LLM_MODEL: 'm', MEMOS_LLM_API_KEY: 'sk-has a-SPACE-secret' });
    expect(bad.message).toBe('invalid configuration: MEMOS_LLM_API_KEY: must be printable ASCII without spaces');
    const withPassword = failure({ MEMOS_LLM_URL: 'https://user:sk-in-url-SECRET@llm.example.com/v1', MEMOS_LLM_MODEL: 'm' }).message;
    expect(withPassword).toBe('invalid configuration: MEMOS_LLM_URL: must hold no user, password, query or fragment: put a key in llm.apiKey (MEMOS_LLM_API_KEY)');
    expect(failure({ MEMOS_LLM_URL: 'http://127.0.0.1:1234/v1?key=abc', MEMOS_LLM_MODEL: 'm' }).message).toContain('MEMOS_LLM_URL: must hold no user');
  });

  it('keep the key out of a log line that shows the settings', () => {
    const sink = logSink();
    const config = loadConfig({ env: { MEMOS_LLM_URL: 'http://127.0.0.1:1234/v1', MEMOS_LLM_MODEL: 'm', MEMOS_LLM_API_KEY: 'sk-log-SECRET-77' }, cwd: dir });
    createLogger(config, sink.stream).info({ llm: config.llm }, 'settings');
    expect(sink.lines[0]).toMatchObject({ llm: { url: 'http://127.0.0.1:1234/v1', model: 'm', apiKey: '[redacted]' } });
    expect(sink.raw()).not.toContain('sk-log-SECRET-77');
  });

  it('stop memos serve with exit code 78 when one of URL and model is missing', { timeout: 60_000 }, async () => {
    const result = await runMemos(['serve'], { MEMOS_DATA_DIR: join(dir, 'data'), MEMOS_LLM_URL: 'http://127.0.0.1:1234/v1', MEMOS_LLM_MODEL: '' });
    expect(result.status).toBe(78);
    expect(result.stderr + result.stdout).toContain('llm.model (MEMOS_LLM_MODEL): must be set too');
  });
});
