// Scripted agent scenarios through the HTTP API: each must find what it needs in the bundle from
// POST /api/v1/context. With MEMOS_MODEL2VEC_PATH set the real offline embedder runs; otherwise
// keyword-only, where scenarios that need vectors still run but count only as information.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { startTestMemos } from '../support/test-memos.js';
import { NOISE_EPISODES, NOISE_MEMORIES } from './noise.js';
import { describeBundle, runScenario, type ScenarioResult } from './run-scenario.js';
import { CATEGORIES } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH;
const MODE = MODEL_PATH === undefined || MODEL_PATH === '' ? 'keyword-only' : 'model2vec';
const BAR = 0.95;

describe('scenario definitions', () => {
  it('hold at least 50 scenarios with unique names, at least 8 in each category', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(50);
    expect(new Set(scenarios.map((scenario) => scenario.name)).size).toBe(scenarios.length);
    for (const category of CATEGORIES) expect(scenarios.filter((scenario) => scenario.category === category).length, category).toBeGreaterThanOrEqual(8);
  });

  it('keep every expected and excluded text out of the shared noise', () => {
    const pool = [...NOISE_MEMORIES, ...NOISE_EPISODES.map((episode) => episode.content)].map((text) => text.toLowerCase());
    for (const scenario of scenarios) {
      for (const needle of [...scenario.expect.contains, ...(scenario.expect.excludes ?? []), ...(scenario.expect.order ?? [])]) {
        expect(pool.filter((text) => text.includes(needle.toLowerCase())), `${scenario.name}: "${needle}"`).toEqual([]);
      }
    }
  });
});

describe(`agent scenarios through POST /api/v1/context (${MODE})`, () => {
  it(`at least ${BAR * 100}% of the scenarios find what they need`, async () => {
    const env: Record<string, string> = {};
    if (MODE === 'model2vec') {
      if (!existsSync(join(MODEL_PATH!, 'model.safetensors'))) throw new Error(`MEMOS_MODEL2VEC_PATH=${MODEL_PATH} holds no model.safetensors`);
      Object.assign(env, { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH! });
    }
    const clock = manualClock();
    const memos = await startTestMemos(env, clock);
    const results: ScenarioResult[] = [];
    try {
      if (MODE === 'model2vec') expect(memos.embeddings.status(), 'the Model2Vec embedder should be ready').toMatchObject({ state: 'ready' });
      for (const [index, scenario] of scenarios.entries()) {
        results.push(await runScenario(memos, clock, scenario, `scenario-${String(index + 1).padStart(2, '0')}`));
      }
    } finally {
      await memos.close();
    }

    const report = formatReport(results);
    console.log(report.text);
    expect(report.rate, report.failures).toBeGreaterThanOrEqual(BAR);
  }, 120_000);
});

/** Counts per category, the success rate and every failing scenario with what its bundle held. */
function formatReport(results: ScenarioResult[]): { rate: number; text: string; failures: string } {
  const counts = (result: ScenarioResult) => MODE === 'model2vec' || !result.needsVectors;
  const counted = results.filter(counts);
  const passed = counted.filter((result) => result.passed).length;
  const rate = counted.length === 0 ? 0 : passed / counted.length;
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

  const lines = [`memOS scenario harness: ${MODE}${MODE === 'model2vec' ? ` (${MODEL_PATH})` : ''}`];
  for (const category of CATEGORIES) {
    const inCategory = counted.filter((result) => result.category === category);
    lines.push(`  ${category.padEnd(14)} ${inCategory.filter((result) => result.passed).length}/${inCategory.length}`);
  }
  lines.push(`  success rate: ${passed}/${counted.length} = ${percent(rate)} (bar ${percent(BAR)})`);

  const failing = counted.filter((result) => !result.passed);
  const failureLines = failing.flatMap((result) => [
    `FAIL [${result.category}] ${result.name}`,
    ...result.problems.map((problem) => `    - ${problem}`),
    ...(result.bundle === undefined ? [] : describeBundle(result.bundle).map((line) => `      ${line}`)),
  ]);
  lines.push(...failureLines);

  const informational = results.filter((result) => !counts(result));
  if (informational.length > 0) {
    lines.push(`  not counted (need vectors, keyword-only run): ${informational.filter((result) => result.passed).length}/${informational.length} passed`);
    for (const result of informational) lines.push(`    ${result.passed ? 'pass' : 'fail'}: ${result.name}${result.passed ? '' : ` (${result.problems.join('; ')})`}`);
  }
  const failures = `${percent(rate)} of scenarios passed (bar ${percent(BAR)}); failing: ${failing.length === 0 ? 'none' : failing.map((result) => result.name).join(' | ')}`;
  return { rate, text: lines.join('\n'), failures };
}
