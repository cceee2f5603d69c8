// A context bundle for a query about a task includes the task's reflection (truth/reflections.ts):
// what was tried and how it went is what an agent most needs before trying again, whether or not
// recall ranked it. A query names a task when it holds every content word of the task, compared
// by crude stems ("booking a flight" names the task "book flight").

import { toIso, type Clock } from '../../core/clock.js';
import type { SemanticStore } from '../../core/ports.js';
import { keywordTerms } from '../../core/text.js';
import type { Memory, RecordFilter } from '../../core/types.js';
import { stem } from '../truth/statement-words.js';
import type { ContextHit } from './pack-context.js';

/** Reflections of a scope read per bundle at most; the newest first. */
export const REFLECTIONS_READ = 200;
/** Reflections a bundle brings in at most, beyond what recall found. */
export const REFLECTIONS_SHOWN = 2;

const TASK_SLOT = 'task:';

const stems = (text: string): Set<string> => new Set(keywordTerms(text).map(stem));

/** Whether `query` names `task`: it holds each of the task's words (stopwords aside), by stem, in any case. */
export function namesTask(query: string, task: string): boolean {
  const wanted = stems(task);
  if (wanted.size === 0) return false;
  const asked = stems(query);
  return [...wanted].every((word) => asked.has(word));
}

/**
 * The current task reflections of `scope` whose task `query` names, most words of the query
 * matched first (a longer task name is the more specific match), at most REFLECTIONS_SHOWN.
 */
export async function reflectionsNamed(memories: Pick<SemanticStore, 'list'>, scope: RecordFilter, query: string, clock: Clock): Promise<Memory[]> {
  const { items } = await memories.list({
    filter: { ...scope, kinds: ['reflection'], keyPrefix: TASK_SLOT, validAt: toIso(clock.now()) },
    limit: REFLECTIONS_READ,
    order: 'desc',
  });
  return items
    .flatMap((memory) => {
      if (memory.key?.startsWith(TASK_SLOT) !== true) return [];
      const task = memory.key.slice(TASK_SLOT.length);
      return namesTask(query, task) ? [{ memory, words: stems(task).size }] : [];
    })
    .sort((a, b) => b.words - a.words)
    .slice(0, REFLECTIONS_SHOWN)
    .map(({ memory }) => memory);
}

/**
 * The memories of a bundle with the named reflections on top: ranked at the best score of the
 * bundle (memories come first on a tie), so that they are packed first, within the token budget.
 * One recall found already moves up rather than appearing twice.
 */
export function withReflections(found: ContextHit<Memory>[], best: number, reflections: Memory[], stale: (memory: Memory) => boolean): ContextHit<Memory>[] {
  if (reflections.length === 0) return found;
  const top = Math.max(best, ...found.map((hit) => hit.score));
  const ids = new Set(reflections.map((memory) => memory.id));
  const lifted = reflections.map((memory): ContextHit<Memory> => {
    const recalled = found.find((hit) => hit.id === memory.id);
    return recalled === undefined
      ? { id: memory.id, score: top, parts: { keyword: null, vector: null, recency: null, neighbours: null, time: null, speaker: null }, item: memory, stale: stale(memory) }
      : { ...recalled, score: top };
  });
  return [...lifted, ...found.filter((hit) => !ids.has(hit.id))];
}
