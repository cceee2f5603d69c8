// Keeps each task's reflection memory up to date as outcome episodes arrive (the episode
// service's `onAppended`): one current `reflection` memory per identity and task, in the slot
// `task:<task>`, updated in place so that its history shows how the summary grew.

import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import type { MemoryPatch, RecordRef, SemanticStore } from '../../core/ports.js';
import type { Episode, Memory, MemoryIdentity } from '../../core/types.js';
import type { MemoryInput } from '../memories/memory-service.js';
import { isSettledAttempt, reflectionKey, reflectionStateOf, summariseOutcomes, type OutcomeEpisode } from './reflections.js';

/** What the updater needs of the memory service: writes that embed the text, as any other write. */
export interface ReflectionWrites {
  upsert(namespace: string, inputs: MemoryInput[]): Promise<Array<{ memory: Memory }>>;
  update(ref: RecordRef, patch: Omit<MemoryPatch, 'contentKey'>, expectedVersion?: number): Promise<Memory>;
}

/** A reflection just written by the deterministic summary, for the chat model to turn into a lesson. */
export interface WrittenReflection {
  namespace: string;
  memoryId: string;
  /** The version written: a lesson is only applied to it, never over a newer summary. */
  version: number;
  task: string;
  summary: string;
}

export interface ReflectionUpdaterOptions {
  store: Pick<SemanticStore, 'list'>;
  memories: ReflectionWrites;
  clock: Clock;
  logger: Logger;
  /** Told of each reflection written (the lesson writer queues from here, when the LLM judge is configured). */
  onReflected?: (written: WrittenReflection) => void;
}

/** Tries of a read-then-update that another writer raced (E_CONFLICT on the version). */
const TRIES = 3;
/** Current memories of a slot read at once: more than one identity can share a key when the filter leaves a user or agent open. */
const SLOT_PAGE = 100;

/** The identity and task that a group of episodes updates one reflection of. */
interface Group {
  identity: MemoryIdentity;
  task: string;
  episodes: Array<OutcomeEpisode & { sessionId?: string }>;
}

function groupsOf(namespace: string, episodes: Episode[]): Group[] {
  const groups = new Map<string, Group>();
  for (const episode of episodes) {
    if (!isSettledAttempt(episode)) continue;
    const task = episode.task.trim();
    const name = JSON.stringify([episode.userId ?? null, episode.agentId ?? null, reflectionKey(task)]);
    let group = groups.get(name);
    if (group === undefined) {
      const identity: MemoryIdentity = { namespace, ...(episode.userId === undefined ? {} : { userId: episode.userId }), ...(episode.agentId === undefined ? {} : { agentId: episode.agentId }) };
      group = { identity, task, episodes: [] };
      groups.set(name, group);
    }
    group.episodes.push(episode as OutcomeEpisode & { sessionId?: string });
  }
  return [...groups.values()];
}

const sameIdentity = (memory: Memory, identity: MemoryIdentity) =>
  memory.namespace === identity.namespace && memory.userId === identity.userId && memory.agentId === identity.agentId;

export function createReflectionUpdater({ store, memories, clock, logger, onReflected }: ReflectionUpdaterOptions) {
  /** One update at a time per slot in this process, so that two appends never read the same state. */
  const slots = new Map<string, Promise<void>>();

  const holderOf = async ({ identity }: Group, key: string): Promise<Memory | undefined> => {
    const filter = { ...identity, key, validAt: toIso(clock.now()) };
    const { items } = await store.list({ filter, limit: SLOT_PAGE, order: 'desc' });
    // An unset user or agent in a filter means "any": the identity is checked exactly here.
    return items.find((memory) => sameIdentity(memory, identity) && memory.key === key);
  };

  const update = async (group: Group): Promise<void> => {
    const key = reflectionKey(group.task);
    for (let attempt = 1; ; attempt += 1) {
      const holder = await holderOf(group, key);
      const { state, text } = summariseOutcomes(holder === undefined ? undefined : reflectionStateOf(holder.metadata), group.episodes);
      try {
        let written: Memory;
        if (holder === undefined) {
          const sessionId = group.episodes.findLast((episode) => episode.sessionId !== undefined)?.sessionId;
          const { userId, agentId } = group.identity;
          [{ memory: written }] = (await memories.upsert(group.identity.namespace, [
            {
              content: text,
              kind: 'reflection',
              key,
              metadata: { reflection: state },
              sourceEpisodeIds: group.episodes.map((episode) => episode.id),
              ...(userId === undefined ? {} : { userId }),
              ...(agentId === undefined ? {} : { agentId }),
              ...(sessionId === undefined ? {} : { sessionId }),
            },
          ])) as [{ memory: Memory }];
        } else {
          written = await memories.update({ namespace: holder.namespace, id: holder.id }, { content: text, metadata: { ...holder.metadata, reflection: state } }, holder.version);
        }
        onReflected?.({ namespace: written.namespace, memoryId: written.id, version: written.version, task: state.task, summary: text });
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'E_CONFLICT' || attempt >= TRIES) throw error;
      }
    }
  };

  const serialised = (name: string, work: () => Promise<void>): Promise<void> => {
    const previous = slots.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    slots.set(name, settled);
    void settled.then(() => {
      if (slots.get(name) === settled) slots.delete(name);
    });
    return next;
  };

  return {
    /**
     * Updates the reflections of the tasks whose outcomes `episodes` report (the episode service's
     * `onAppended`, after the episodes are stored). Never throws: the episodes are stored already,
     * so a failure here is logged (ids and error code, never text) and the reflection catches up
     * with the next outcome of its task.
     */
    async onAppended(namespace: string, episodes: Episode[]): Promise<void> {
      await Promise.all(
        groupsOf(namespace, episodes).map(async (group) => {
          const name = JSON.stringify([namespace, group.identity.userId ?? null, group.identity.agentId ?? null, reflectionKey(group.task)]);
          try {
            await serialised(name, () => update(group));
          } catch (error) {
            const code = (error as { code?: unknown }).code;
            logger.warn({ namespace, episodeIds: group.episodes.map((episode) => episode.id), code: typeof code === 'string' ? code : 'unknown' }, 'task reflection not updated; the episodes are stored');
          }
        }),
      );
    },
  };
}

export type ReflectionUpdater = ReturnType<typeof createReflectionUpdater>;
