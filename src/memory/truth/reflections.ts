// A task's reflection (docs/truth.md): what an agent tried for a task and how it went, kept as one
// `reflection` memory in the slot `task:<task>` of the agent's identity. The summary is built here,
// without a language model and deterministically: the state kept in the memory's metadata plus
// the new outcome episodes give the next state and its text, whatever order they arrive in.

import { z } from 'zod';
import { firstChars } from '../../core/text.js';
import type { Episode } from '../../core/types.js';

/** Outcomes that count as an attempt; `unknown` (an intervention not yet settled) does not. */
export const SETTLED_OUTCOMES = ['task_completed', 'task_failed', 'abandoned'] as const;
export type SettledOutcome = (typeof SETTLED_OUTCOMES)[number];

/** Approaches a reflection remembers, the most recently tried first. */
export const MAX_TRIED = 5;
/** Characters kept of an approach (the episode's content) and of a failure's context. */
export const APPROACH_CHARS = 120;
export const CONTEXT_CHARS = 160;
/** The longest task named in a slot key, so that a key stays short. */
export const TASK_KEY_CHARS = 200;

const tried = z.object({
  approach: z.string(),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  abandoned: z.number().int().min(0),
  lastAt: z.string(),
});
const reflectionState = z.object({
  task: z.string(),
  attempts: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  abandoned: z.number().int().min(0),
  tried: z.array(tried),
  latestFailure: z.object({ approach: z.string(), context: z.string().optional(), at: z.string() }).optional(),
  /** The summary's text, kept when a lesson written by the chat model replaces it as the memory's content. */
  summary: z.string().optional(),
});

/** What a reflection memory keeps in `metadata.reflection`. */
export type ReflectionState = z.infer<typeof reflectionState>;
export type TriedApproach = z.infer<typeof tried>;

/** An episode that reports how an attempt at a task went. */
export type OutcomeEpisode = Pick<Episode, 'id' | 'content' | 'occurredAt' | 'task' | 'context'> & { outcome: SettledOutcome };

/** The slot of a task's reflection. */
export const reflectionKey = (task: string): string => `task:${firstChars(task.trim(), TASK_KEY_CHARS)}`;

/** Whether an episode is an attempt a reflection counts: an intervention or an outcome, of a task, with a settled outcome. */
export function isSettledAttempt(episode: Pick<Episode, 'kind' | 'task' | 'outcome'>): episode is Pick<Episode, 'kind' | 'task'> & { outcome: SettledOutcome; task: string } {
  return (
    (episode.kind === 'intervention' || episode.kind === 'outcome') &&
    episode.task !== undefined &&
    episode.task.trim() !== '' &&
    (SETTLED_OUTCOMES as readonly string[]).includes(episode.outcome ?? '')
  );
}

/** The state a reflection memory keeps in its metadata; undefined when absent or not in this shape (it is then rebuilt from what comes next). */
export function reflectionStateOf(metadata: Record<string, unknown>): ReflectionState | undefined {
  const parsed = reflectionState.safeParse(metadata.reflection);
  return parsed.success ? parsed.data : undefined;
}

/** Text on one line, spaces collapsed, at most `max` characters. */
const shortLine = (text: string, max: number) => firstChars(text.replace(/\s+/g, ' ').trim(), max);
/** Two approaches are one when they read the same apart from case and spacing. */
const sameApproach = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The next state of a task's reflection and its text: `previous` (absent for the first outcomes)
 * with `episodes` added. Every episode must be of the same task as `previous`; episodes are
 * counted in time order (occurredAt, then id), so that one batch gives the same state however it
 * was ordered.
 */
export function summariseOutcomes(previous: ReflectionState | undefined, episodes: OutcomeEpisode[]): { state: ReflectionState; text: string } {
  const task = previous?.task ?? shortLine(episodes[0]?.task ?? '', TASK_KEY_CHARS);
  const state: ReflectionState = previous === undefined
    ? { task, attempts: 0, completed: 0, failed: 0, abandoned: 0, tried: [] }
    : { ...previous, tried: previous.tried.map((one) => ({ ...one })) };
  delete state.summary;
  const ordered = [...episodes].sort((a, b) => (a.occurredAt === b.occurredAt ? a.id.localeCompare(b.id) : a.occurredAt.localeCompare(b.occurredAt)));
  for (const episode of ordered) {
    const approach = shortLine(episode.content, APPROACH_CHARS);
    const field = episode.outcome === 'task_completed' ? 'completed' : episode.outcome === 'task_failed' ? 'failed' : 'abandoned';
    state.attempts += 1;
    state[field] += 1;
    let entry = state.tried.find((one) => sameApproach(one.approach, approach));
    if (entry === undefined) {
      entry = { approach, completed: 0, failed: 0, abandoned: 0, lastAt: episode.occurredAt };
      state.tried.push(entry);
    }
    entry[field] += 1;
    if (episode.occurredAt > entry.lastAt) entry.lastAt = episode.occurredAt;
    if (episode.outcome === 'task_failed' && (state.latestFailure === undefined || episode.occurredAt >= state.latestFailure.at)) {
      const context = episode.context === undefined ? '' : shortLine(episode.context, CONTEXT_CHARS);
      state.latestFailure = { approach, ...(context === '' ? {} : { context }), at: episode.occurredAt };
    }
  }
  // The most recently tried first (a stable sort keeps first-seen order on a tie); the oldest go.
  state.tried = state.tried.sort((a, b) => b.lastAt.localeCompare(a.lastAt)).slice(0, MAX_TRIED);
  const text = reflectionText(state);
  return { state: { ...state, summary: text }, text };
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** How one approach went: `completed`, `failed 2 times`, `completed, failed`. */
function outcomesOf(entry: TriedApproach): string {
  const parts: string[] = [];
  for (const [word, count] of [['completed', entry.completed], ['failed', entry.failed], ['abandoned', entry.abandoned]] as const) {
    if (count === 1) parts.push(word);
    else if (count > 1) parts.push(`${word} ${count} times`);
  }
  return parts.join(', ');
}

/** The summary as a reflection memory states it. */
export function reflectionText(state: ReflectionState): string {
  const counts = [plural(state.attempts, 'attempt'), `${state.completed} completed`, `${state.failed} failed`, ...(state.abandoned > 0 ? [`${state.abandoned} abandoned`] : [])];
  const sentences = [`Task '${state.task}': ${counts.join(', ')}.`];
  if (state.tried.length > 0) sentences.push(`Tried: ${state.tried.map((entry) => `'${entry.approach}' (${outcomesOf(entry)})`).join(', ')}.`);
  if (state.latestFailure !== undefined) {
    const { approach, context } = state.latestFailure;
    sentences.push(`Latest failure: '${approach}'${context === undefined ? '' : ` when '${context}'`}.`);
  }
  if (state.completed > 0 && state.failed + state.abandoned > 0) sentences.push('Prefer what completed; avoid repeating what failed.');
  else if (state.completed > 0) sentences.push('Prefer what completed.');
  else sentences.push('Nothing has completed yet; avoid repeating what failed.');
  return sentences.join(' ');
}
