// The ablation table of memOS's hybrid recall on the LoCoMo development split: the settings before
// the recall work of the multi-hop and temporal issue, each addition alone on top of them, all of
// them together (the defaults users get), each left out of the defaults, and a plain BM25. With
// `--plateau`, also each default setting's neighbours, to show that it sits on a plateau rather than
// on a peak. Every line is one `bench:locomo` run (its own memOS, fresh data), one after the other on
// this machine. Run with `npm run bench:locomo:ablation [-- --plateau]`.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, heading, table } from '../stats.js';

type Settings = Record<string, string>;

/** The recall settings before this work: no time, speaker or question priors. */
const BEFORE: Settings = {
  MEMOS_SEARCH_TIME_WEIGHT: '0',
  MEMOS_SEARCH_WHEN_WEIGHT: '0',
  MEMOS_SEARCH_SPEAKER_WEIGHT: '0',
  MEMOS_SEARCH_QUESTION_DISCOUNT: '0',
};

/** Each addition, as the settings that turn it on at its default. */
const ADDITIONS: Array<{ name: string; settings: Settings; off: Settings }> = [
  { name: 'time priors (timeWeight 2, whenWeight 0.4)', settings: { MEMOS_SEARCH_TIME_WEIGHT: '2', MEMOS_SEARCH_WHEN_WEIGHT: '0.4' }, off: { MEMOS_SEARCH_TIME_WEIGHT: '0', MEMOS_SEARCH_WHEN_WEIGHT: '0' } },
  { name: 'speaker prior (speakerWeight 1.5)', settings: { MEMOS_SEARCH_SPEAKER_WEIGHT: '1.5' }, off: { MEMOS_SEARCH_SPEAKER_WEIGHT: '0' } },
  { name: 'question discount (questionDiscount 0.2)', settings: { MEMOS_SEARCH_QUESTION_DISCOUNT: '0.2' }, off: { MEMOS_SEARCH_QUESTION_DISCOUNT: '0' } },
];

/** Each default's neighbours, one setting at a time (the neighbour weights were chosen before the priors). */
const PLATEAU: Array<[string, string[]]> = [
  ['MEMOS_SEARCH_TIME_WEIGHT', ['1', '4']],
  ['MEMOS_SEARCH_WHEN_WEIGHT', ['0.2', '0.8']],
  ['MEMOS_SEARCH_SPEAKER_WEIGHT', ['1', '2']],
  ['MEMOS_SEARCH_QUESTION_DISCOUNT', ['0.1', '0.3']],
  ['MEMOS_SEARCH_NEIGHBOUR_WEIGHT', ['0.2', '0.4']],
  ['MEMOS_SEARCH_SESSION_WEIGHT', ['0', '0.2']],
];

interface Line {
  name: string;
  settings: Settings;
}

function lines(plateau: boolean): Line[] {
  const out: Line[] = [{ name: 'before (none of the additions)', settings: BEFORE }];
  for (const addition of ADDITIONS) out.push({ name: `before + ${addition.name} alone`, settings: { ...BEFORE, ...addition.settings } });
  out.push({ name: 'all together: the defaults', settings: {} });
  for (const addition of ADDITIONS) out.push({ name: `defaults without ${addition.name}`, settings: addition.off });
  if (plateau) {
    for (const [setting, values] of PLATEAU) {
      for (const value of values) out.push({ name: `defaults with ${setting.replace('MEMOS_SEARCH_', '').toLowerCase()} ${value}`, settings: { [setting]: value } });
    }
  }
  return out;
}

interface SystemResult {
  name: string;
  scores: Record<string, { recall: Record<string, number> }>;
  latency: { p50: number; p95: number };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CATEGORIES = ['multi-hop', 'temporal', 'open-domain', 'single-hop'];

/** One `bench:locomo` run in hybrid mode with `settings`; its memOS line and the BM25 baseline's. */
function run(settings: Settings): { memos: SystemResult; bm25: SystemResult } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'locomo', 'run.ts')], {
    cwd: root,
    env: { ...process.env, LOCOMO_MODES: 'hybrid', LOCOMO_ENV: JSON.stringify(settings), LOCOMO_ANSWERS: '0' },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const file = /^results: (.+)$/m.exec(child.stdout)?.[1];
  if (child.status !== 0 || file === undefined) throw new Error(`bench:locomo failed (exit ${child.status}):\n${child.stderr || child.stdout}`);
  const { results } = JSON.parse(readFileSync(join(root, file), 'utf8')) as { results: SystemResult[] };
  return { memos: results.find((result) => result.name === 'memOS hybrid')!, bm25: results.find((result) => result.name === 'BM25 baseline')! };
}

const pct = (value: number | undefined) => fmt((value ?? 0) * 100, 1);
const row = (name: string, result: SystemResult, latency: boolean) => [
  name,
  pct(result.scores.all!.recall[10]),
  ...CATEGORIES.map((category) => pct(result.scores[category]!.recall[10])),
  pct(result.scores.all!.recall[5]),
  latency ? fmt(result.latency.p50, 2) : '',
  latency ? fmt(result.latency.p95, 2) : '',
];

function main(): void {
  const plateau = process.argv.includes('--plateau');
  const all = lines(plateau);
  console.log(heading(`memOS hybrid recall ablation: LoCoMo development split, ${all.length} runs`));
  const rows: string[][] = [];
  let bm25: SystemResult | undefined;
  for (const [index, line] of all.entries()) {
    const started = Date.now();
    const result = run(line.settings);
    bm25 ??= result.bm25;
    rows.push(row(line.name, result.memos, true));
    console.log(`  ${index + 1}/${all.length} ${line.name}: R@10 ${pct(result.memos.scores.all!.recall[10])} (${fmt((Date.now() - started) / 1000, 1)} s)`);
  }
  rows.push(row('plain BM25 (k1 1.2, b 0.75; in process)', bm25!, false));
  console.log(`\nrecall@10 in % (overall and per category), recall@5 overall, search latency per question over HTTP in ms`);
  console.log(table(['hybrid with', 'R@10', ...CATEGORIES, 'R@5', 'p50 ms', 'p95 ms'], rows));
}

main();
