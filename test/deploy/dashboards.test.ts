import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { startTestMemos } from '../support/test-memos.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');
const RULES = join(ROOT, 'deploy/prometheus/rules/memos.rules.yml');
const OPERATIONS = join(ROOT, 'docs/operations.md');

/** Series Prometheus makes itself: scrape health and the state of alerts. */
const PROMETHEUS_SERIES = ['up', 'ALERTS'];

/** Every metric family a running memOS serves at /metrics, by name, with its type (from the `# TYPE` lines). */
async function exportedFamilies(): Promise<Map<string, string>> {
  const memos = await startTestMemos({}, undefined, createHashProvider());
  try {
    const scrape = await memos.request({ method: 'GET', url: '/metrics' });
    expect(scrape.statusCode).toBe(200);
    return new Map([...scrape.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1] as string, match[2] as string]));
  } finally {
    await memos.close();
  }
}

const families = await exportedFamilies();
const MEMOS_FAMILIES = [...families.keys()].filter((name) => name.startsWith('memos_'));

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** Metric names in a PromQL expression: strings, label matchers, ranges, grouping clauses, functions and keywords removed. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const name = match[1] as string;
    if (match[2] !== undefined || PROMQL_WORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

function loadDashboards(): { file: string; panels: Panel[] }[] {
  return readdirSync(DASHBOARDS)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: Panel[] };
      const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
      return { file, panels };
    });
}

/** A small line-based reader of the rules file: each rule's name and annotations. */
function loadRules(): { records: string[]; alerts: { name: string; annotations: Record<string, string> }[] } {
  const records: string[] = [];
  const alerts: { name: string; annotations: Record<string, string> }[] = [];
  let current: { name: string; annotations: Record<string, string> } | undefined;
  for (const line of readFileSync(RULES, 'utf8').split('\n')) {
    const rule = /^\s*- (alert|record):\s*(\S+)/.exec(line);
    if (rule) {
      current = undefined;
      if (rule[1] === 'record') records.push(rule[2] as string);
      else alerts.push((current = { name: rule[2] as string, annotations: {} }));
      continue;
    }
    const annotation = /^\s+(summary|description|runbook_url):\s*"?(.*?)"?\s*$/.exec(line);
    if (current && annotation) current.annotations[annotation[1] as string] = annotation[2] as string;
  }
  return { records, alerts };
}

/** Each `expr:` of the rules file, one line or a `|` block of deeper-indented lines. */
function ruleExpressions(text: string): string[] {
  const lines = text.split('\n');
  const exprs: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s+)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    const [, indent = '', value = ''] = match;
    if (value !== '|') {
      exprs.push(value);
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() !== '' && next.length - next.trimStart().length <= indent.length) break;
      block.push(next);
    }
    exprs.push(block.join('\n'));
  });
  return exprs;
}

/** GitHub-style anchors of the Markdown headings. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of prose.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const text = (match[1] as string).replace(/`/g, '').trim().toLowerCase();
    anchors.add(text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

const { records, alerts } = loadRules();
const known = new Set([...families.keys(), ...PROMETHEUS_SERIES, ...records]);
const histograms = new Set([...families].filter(([, type]) => type === 'histogram').map(([name]) => name));

function isKnown(name: string): boolean {
  if (known.has(name)) return true;
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  return suffix !== undefined && histograms.has(name.slice(0, -suffix.length));
}

describe('metric name extraction', () => {
  it('drops functions, label matchers, ranges, grouping and dashboard variables', () => {
    const expr = 'histogram_quantile(0.95, sum by (route, le) (rate(memos_http_request_duration_seconds_bucket{job="memos", instance=~"$instance"}[$__rate_interval]))) / on (job) group_left up offset 1d';
    expect(metricNames(expr).sort()).toEqual(['memos_http_request_duration_seconds_bucket', 'up']);
  });

  it('keeps recording rule names with colons', () => {
    expect(metricNames('job:memos_http_requests:rate5m > 0.1 and time() - 5')).toEqual(['job:memos_http_requests:rate5m']);
  });
});

describe('Grafana dashboards', () => {
  const dashboards = loadDashboards();

  it('exist', () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual(['memos-embeddings.json', 'memos-overview.json', 'memos-storage.json']);
  });

  it('give every panel a title and a data source', () => {
    const missing = dashboards.flatMap(({ file, panels }) =>
      panels
        .filter((panel) => panel.type !== 'row')
        .filter((panel) => !panel.title || !panel.datasource?.uid || (panel.targets ?? []).length === 0)
        .map((panel) => `${file}: ${panel.title ?? panel.type}`),
    );
    expect(missing).toEqual([]);
  });

  it('query only metrics that memOS, prom-client or Prometheus export, or recording rules define', () => {
    const unknown = dashboards.flatMap(({ file, panels }) =>
      panels.flatMap((panel) =>
        (panel.targets ?? [])
          .filter((target) => (target.datasource?.type ?? panel.datasource?.type) === 'prometheus')
          .flatMap((target) => metricNames(target.expr ?? ''))
          .filter((name) => !isKnown(name))
          .map((name) => `${file}: "${panel.title}" uses ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('cover every memOS metric family', () => {
    const used = new Set(
      dashboards.flatMap(({ panels }) =>
        panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNames(target.expr ?? ''))),
      ),
    );
    const series = (name: string) => (histograms.has(name) ? HISTOGRAM_SUFFIXES.map((s) => name + s) : [name]);
    expect(MEMOS_FAMILIES.length).toBeGreaterThanOrEqual(18);
    const uncovered = MEMOS_FAMILIES.filter((name) => !series(name).some((n) => used.has(n)));
    expect(uncovered).toEqual([]);
  });
});

describe('Prometheus alert rules', () => {
  const anchors = headingAnchors(readFileSync(OPERATIONS, 'utf8'));

  it('are there', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(15);
  });

  it('each have a summary, a description and a runbook in docs/operations.md', () => {
    const problems = alerts.flatMap(({ name, annotations }) => {
      const runbook = annotations.runbook_url ?? '';
      const anchor = runbook.split('#')[1];
      return [
        ...(annotations.summary ? [] : [`${name}: no summary`]),
        ...(annotations.description ? [] : [`${name}: no description`]),
        ...(runbook.startsWith('docs/operations.md#') ? [] : [`${name}: runbook_url "${runbook}" is not docs/operations.md#...`]),
        ...(anchor !== undefined && anchors.has(anchor) ? [] : [`${name}: no heading for #${anchor} in docs/operations.md`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('query only exported metrics', () => {
    const exprs = ruleExpressions(readFileSync(RULES, 'utf8'));
    expect(exprs.length).toBe(alerts.length + records.length);
    const unknown = exprs.flatMap((expr) => metricNames(expr).filter((name) => !isKnown(name)));
    expect(unknown).toEqual([]);
  });
});
