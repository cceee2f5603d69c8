// Runs one scenario through the HTTP API: every step's status is checked, then the context bundle
// is checked against the expectation. Problems are collected, not thrown, so that one failing
// scenario does not hide the others.
import type { manualClock } from '../../src/core/clock.js';
import type { TestMemos } from '../support/test-memos.js';
import type { ContextAsk, EpisodeItem, Scenario, Step, When } from './scenario.js';

type ManualClock = ReturnType<typeof manualClock>;
type Api = Pick<TestMemos, 'json'>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface BundleItem {
  id: string;
  score: number;
  item: { content: string; sourceSessionIds?: string[] };
}

/** The parts of a `POST /api/v1/context` answer the checks read. */
export interface Bundle {
  query: string | null;
  querySource: string;
  tokenBudget: number;
  tokens: number;
  session: { messages: Array<{ content: string }>; omittedMessages: number } | null;
  memories: BundleItem[];
  episodes: BundleItem[];
  text: string;
  notices: string[];
  cached: boolean;
}

export interface ScenarioResult {
  name: string;
  category: Scenario['category'];
  needsVectors: boolean;
  passed: boolean;
  /** Why it failed: a step's status or an expectation the bundle missed. */
  problems: string[];
  /** What the bundle held, for the failure report. */
  bundle?: Bundle;
}

/** Moves the clock to 09:00 UTC on the next day, so that each scenario starts on a fresh day. */
export function startNextDay(clock: ManualClock): void {
  const now = clock.now();
  clock.advance(Math.floor(now / DAY) * DAY + DAY + 9 * HOUR - now);
}

export function resolveWhen(when: When, now: number): string {
  let at = now - (when.daysAgo ?? 0) * DAY - (when.hoursAgo ?? 0) * HOUR;
  if (when.time !== undefined) {
    const [hours, minutes] = when.time.split(':').map(Number);
    at = Math.floor(at / DAY) * DAY + (hours ?? 0) * HOUR + (minutes ?? 0) * MINUTE;
  }
  return new Date(at).toISOString();
}

export async function runScenario(api: Api, clock: ManualClock, scenario: Scenario, namespace: string): Promise<ScenarioResult> {
  const result: ScenarioResult = { name: scenario.name, category: scenario.category, needsVectors: scenario.needsVectors === true, passed: false, problems: [] };
  const ns = (suffix: string | undefined) => (suffix === undefined ? namespace : `${namespace}-${suffix}`);
  const refs = new Map<string, string>();

  startNextDay(clock);
  for (const [index, step] of scenario.steps.entries()) {
    const problem = await runStep(api, clock, step, ns, refs);
    if (problem !== undefined) {
      result.problems.push(`step ${index + 1} (${step.do}): ${problem}`);
      return result;
    }
  }

  const response = await api.json('POST', '/api/v1/context', contextBody(scenario.ask, ns, clock.now()));
  if (response.status !== 200) {
    result.problems.push(`context returned ${response.status}: ${describeBody(response.body)}`);
    return result;
  }
  const bundle = response.body as Bundle;
  result.bundle = bundle;
  result.problems.push(...checkBundle(bundle, scenario.expect));
  result.passed = result.problems.length === 0;
  return result;
}

async function runStep(api: Api, clock: ManualClock, step: Step, ns: (suffix: string | undefined) => string, refs: Map<string, string>): Promise<string | undefined> {
  const scope = (s: { userId?: string | undefined; agentId?: string | undefined; sessionId?: string | undefined }) => ({
    ...(s.userId === undefined ? {} : { userId: s.userId }),
    ...(s.agentId === undefined ? {} : { agentId: s.agentId }),
    ...(s.sessionId === undefined ? {} : { sessionId: s.sessionId }),
  });
  switch (step.do) {
    case 'wait':
      clock.advance((step.days ?? 0) * DAY + (step.hours ?? 0) * HOUR + (step.minutes ?? 0) * MINUTE);
      return undefined;
    case 'remember': {
      const unknown = step.memories.flatMap((memory) => (memory.supersedes ?? []).filter((ref) => !refs.has(ref)));
      if (unknown.length > 0) return `no memory was written with ref ${unknown.join(', ')}`;
      const memories = step.memories.map(({ ref: _ref, validFrom, supersedes, ...memory }) => ({
        ...memory,
        ...(validFrom === undefined ? {} : { validFrom: resolveWhen(validFrom, clock.now()) }),
        ...(supersedes === undefined ? {} : { supersedes: supersedes.map((ref) => refs.get(ref)!) }),
      }));
      const response = await api.json('POST', '/api/v1/memories', { namespace: ns(step.namespace), ...scope(step), memories });
      if (response.status !== 201 && response.status !== 200) return statusProblem(response, '200 or 201');
      step.memories.forEach((memory, index) => {
        if (memory.ref !== undefined) refs.set(memory.ref, response.body.results[index].id as string);
      });
      return undefined;
    }
    case 'record': {
      const episodes = step.episodes.map((episode) => episodeBody(episode, clock.now()));
      const response = await api.json('POST', '/api/v1/episodes', { namespace: ns(step.namespace), ...scope(step), episodes });
      return response.status === 201 ? undefined : statusProblem(response, '201');
    }
    case 'session': {
      const body = { namespace: ns(step.namespace), ...scope({ userId: step.userId, agentId: step.agentId }), messages: step.messages };
      const response = await api.json('PUT', `/api/v1/sessions/${step.sessionId}`, body);
      return response.status === 201 || response.status === 200 ? undefined : statusProblem(response, '200 or 201');
    }
    case 'say': {
      const response = await api.json('POST', `/api/v1/sessions/${step.sessionId}/messages`, { namespace: ns(step.namespace), messages: step.messages });
      return response.status === 201 || response.status === 200 ? undefined : statusProblem(response, '200 or 201');
    }
    case 'patch': {
      const id = refs.get(step.ref);
      if (id === undefined) return `no memory was written with ref ${step.ref}`;
      const response = await api.json('PATCH', `/api/v1/memories/${id}?namespace=${ns(step.namespace)}`, step.set);
      return response.status === 200 ? undefined : statusProblem(response, '200');
    }
    case 'context': {
      const response = await api.json('POST', '/api/v1/context', contextBody(step.ask, ns, clock.now()));
      return response.status === 200 ? undefined : statusProblem(response, '200');
    }
    case 'retract':
    case 'confirm': {
      const id = refs.get(step.ref);
      if (id === undefined) return `no memory was written with ref ${step.ref}`;
      const body =
        step.do === 'retract' ? { ...(step.reason === undefined ? {} : { reason: step.reason }), ...(step.at === undefined ? {} : { validTo: resolveWhen(step.at, clock.now()) }) } : {};
      const response = await api.json('POST', `/api/v1/memories/${id}/${step.do}?namespace=${ns(step.namespace)}`, body);
      return response.status === 200 ? undefined : statusProblem(response, '200');
    }
  }
}

function episodeBody({ at, ...episode }: EpisodeItem, now: number): object {
  return at === undefined ? episode : { ...episode, occurredAt: resolveWhen(at, now) };
}

function contextBody({ namespace, filters, asOf, ...rest0 }: ContextAsk, ns: (suffix: string | undefined) => string, now: number): object {
  const ask = { ...rest0, ...(asOf === undefined ? {} : { asOf: resolveWhen(asOf, now) }) };
  if (filters === undefined) return { namespace: ns(namespace), ...ask };
  const { from, to, ...rest } = filters;
  return {
    namespace: ns(namespace),
    ...ask,
    filters: {
      ...rest,
      ...(from === undefined ? {} : { from: resolveWhen(from, now) }),
      ...(to === undefined ? {} : { to: resolveWhen(to, now) }),
    },
  };
}

const squash = (text: string) => text.replace(/\s+/gu, ' ');

/** Every way the bundle misses the expectation; empty when it meets it. */
export function checkBundle(bundle: Bundle, expect: Scenario['expect']): string[] {
  const problems: string[] = [];
  const text = squash(bundle.text);
  for (const needed of expect.contains) if (!text.includes(squash(needed))) problems.push(`missing "${needed}"`);
  for (const banned of expect.excludes ?? []) if (text.includes(squash(banned))) problems.push(`holds excluded "${banned}"`);

  if (expect.sessionsOf !== undefined) {
    const { content, sessions } = expect.sessionsOf;
    const holding = bundle.memories.filter((hit) => squash(hit.item.content).includes(squash(content)));
    if (holding.length !== 1) problems.push(`sessionsOf: ${holding.length} memories hold "${content}", expected one`);
    else if (JSON.stringify(holding[0]!.item.sourceSessionIds ?? []) !== JSON.stringify(sessions)) {
      problems.push(`sessionsOf: "${content}" lists sessions ${JSON.stringify(holding[0]!.item.sourceSessionIds ?? [])}, expected ${JSON.stringify(sessions)}`);
    }
  }
  if (expect.order !== undefined) {
    const tier = expect.orderIn ?? 'memories';
    const ranks = expect.order.map((needle) => bundle[tier].findIndex((hit) => squash(hit.item.content).includes(squash(needle))));
    if (ranks[0] === -1) problems.push(`order: "${expect.order[0]}" is not in ${tier}`);
    let previous = ranks[0] ?? -1;
    for (const [index, rank] of ranks.entries()) {
      if (index === 0 || rank === -1) continue;
      if (rank < previous) problems.push(`order: "${expect.order[index]}" (#${rank + 1}) ranks above "${expect.order[index - 1]}" (#${previous + 1}) in ${tier}`);
      previous = rank;
    }
  }
  return problems;
}

function statusProblem(response: { status: number; body: unknown }, expected: string): string {
  return `HTTP ${response.status} (expected ${expected}): ${describeBody(response.body)}`;
}

function describeBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return String(body);
  const problem = body as { code?: string; detail?: string; title?: string };
  return [problem.code, problem.detail ?? problem.title].filter(Boolean).join(' ') || JSON.stringify(body).slice(0, 200);
}

/** A few lines on what a bundle held, for the failure report. */
export function describeBundle(bundle: Bundle): string[] {
  const clip = (text: string) => (text.length > 70 ? `${text.slice(0, 67)}...` : text);
  const list = (hits: BundleItem[]) => (hits.length === 0 ? '(none)' : hits.map((hit, index) => `#${index + 1} "${clip(hit.item.content)}"`).join('; '));
  return [
    `query (${bundle.querySource}): ${bundle.query === null ? '(none)' : `"${clip(bundle.query)}"`}; tokens ${bundle.tokens}/${bundle.tokenBudget}`,
    `session messages: ${bundle.session === null ? '(no session)' : `${bundle.session.messages.length} shown, ${bundle.session.omittedMessages} omitted`}`,
    `memories: ${list(bundle.memories)}`,
    `episodes: ${list(bundle.episodes)}`,
    ...(bundle.notices.length === 0 ? [] : [`notices: ${bundle.notices.join(' | ')}`]),
  ];
}
