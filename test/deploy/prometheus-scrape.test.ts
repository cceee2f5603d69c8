// A real Prometheus, on a spare loopback port, scrapes a running memOS and evaluates the deploy
// bundle's rules against it: the scrape returns data and no rule fails on the real metrics.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { freePort } from '../support/free-port.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { until } from '../support/until.js';

const ROOT = resolve(import.meta.dirname, '../..');
const probe = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
const missing = probe.error || probe.status !== 0 ? 'prometheus is not installed (Debian: apt-get install prometheus)' : '';
if (missing !== '' && process.env.MEMOS_REQUIRE_SERVICES === '1') throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${missing}`);

const dir = mkdtempSync(join(tmpdir(), 'memos-prometheus-'));
let memos: TestMemos | undefined;
let prometheus: ChildProcess | undefined;
afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = once(prometheus, 'exit');
    prometheus.kill('SIGTERM');
    await exited;
  }
  await memos?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(missing !== '')(`a real Prometheus scraping memOS${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('scrapes /metrics, answers queries with memOS series, and evaluates every rule of deploy/ without error', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider());
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const target = `127.0.0.1:${(memos.app.server.address() as AddressInfo).port}`;
    await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'The user prefers tea' }] });
    await memos.json('POST', '/api/v1/search', { query: 'tea' });

    const port = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ["${join(ROOT, 'deploy/prometheus/rules/memos.rules.yml')}"]`,
        'scrape_configs:',
        `  - { job_name: memos, metrics_path: /metrics, static_configs: [{ targets: ["${target}"] }] }`,
      ].join('\n'),
    );
    let log = '';
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const api = async <T>(path: string): Promise<T | undefined> => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/${path}`);
        const body = (await response.json()) as { status: string; data: T };
        return body.status === 'success' ? body.data : undefined;
      } catch {
        return undefined; // not listening yet
      }
    };
    const query = async (promql: string) => (await api<{ result: Sample[] }>(`query?query=${encodeURIComponent(promql)}`))?.result ?? [];

    await until(async () => (await query('up{job="memos"} == 1')).length === 1, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}; prometheus said: ${log}`);
    });
    const info = await query('memos_build_info');
    expect(info).toHaveLength(1);
    expect(info[0]!.metric).toMatchObject({ job: 'memos', version: expect.any(String) });
    const requests = await query('sum by (route) (memos_http_requests_total{route="/api/v1/search"})');
    expect(Number(requests[0]?.value[1])).toBeGreaterThanOrEqual(1);
    expect((await query('memos_records{tier="semantic"}'))[0]?.value[1]).toBe('1');

    // Give every rule a few evaluations on real data, then none may be in error.
    type Rule = { name: string; health: string; lastError?: string };
    const rules = async () => ((await api<{ groups: { rules: Rule[] }[] }>('rules'))?.groups ?? []).flatMap((group) => group.rules);
    await until(async () => {
      const all = await rules();
      return all.length > 0 && all.every((rule) => rule.health !== 'unknown');
    }, 15_000);
    const all = await rules();
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
  }, 60_000);
});
