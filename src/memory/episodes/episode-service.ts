import { toIso, type Clock } from '../../core/clock.js';
import { notFound } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, InterventionOutcome, MessageRole, Metadata } from '../../core/types.js';
import { embedForWrite, storeVectors, type WriteEmbedding } from '../embed-on-write.js';
import { listPage, type ListInput, type ListOutput } from '../paging.js';

export interface EpisodeInput {
  kind: string;
  content: string;
  userId?: string;
  agentId?: string;
  sessionId?: string;
  role?: MessageRole;
  occurredAt?: string;
  metadata?: Metadata;
  task?: string;
  context?: string;
  outcome?: InterventionOutcome;
}

export interface EpisodeServiceOptions {
  store: EpisodeStore;
  clock: Clock;
  ids: IdGenerator;
  embedding: WriteEmbedding;
  /**
   * Told of the episodes once they are stored, before the answer (a task's reflection follows its
   * outcomes from here: truth/reflections-updater.ts). A failure in it is its own to log: the
   * episodes are stored, so the write still answers as such.
   */
  onAppended?: (namespace: string, episodes: Episode[]) => Promise<void>;
}

/** Episodic memory: append-only, timestamped events, listed as a timeline. */
export function createEpisodeService({ store, clock, ids, embedding, onAppended }: EpisodeServiceOptions) {
  return {
    /** Stores every episode or none; returns them in input order. */
    async append(namespace: string, inputs: EpisodeInput[]): Promise<Episode[]> {
      const now = toIso(clock.now());
      const episodes = inputs.map(({ metadata, occurredAt, outcome, ...rest }): Episode => ({
        ...rest,
        id: ids.next('ep'),
        namespace,
        occurredAt: occurredAt ?? now,
        createdAt: now,
        metadata: metadata ?? {},
        ...(rest.kind === 'intervention' ? { outcome: outcome ?? 'unknown' } : outcome === undefined ? {} : { outcome }),
        embedding: { status: 'pending' },
      }));
      // Embedded before the write so that the vectors are ready to store right after it.
      const vectors = await embedForWrite(embedding, namespace, episodes.map((episode) => episode.content));
      await store.append(episodes);
      await storeVectors(
        embedding,
        'episodes',
        episodes.map((episode, index) => ({ namespace, id: episode.id, content: episode.content, vector: vectors?.[index] })),
      );
      await onAppended?.(namespace, episodes).catch(() => undefined);
      return episodes;
    },

    async get(ref: RecordRef): Promise<Episode> {
      const episode = await store.get(ref);
      if (episode === null) throw notFound('episode', ref.id);
      return episode;
    },

    /** Episodes by occurredAt, paged. */
    timeline(input: ListInput): Promise<ListOutput<Episode>> {
      return listPage((query) => store.list(query), input);
    },

    async delete(ref: RecordRef): Promise<void> {
      if (!(await store.delete(ref))) throw notFound('episode', ref.id);
    },
  };
}

export type EpisodeService = ReturnType<typeof createEpisodeService>;
