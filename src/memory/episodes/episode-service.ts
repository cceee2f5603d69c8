import { toIso, type Clock } from '../../core/clock.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { notFound } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, InterventionOutcome, MessageRole, Metadata, RecordFilter } from '../../core/types.js';

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

export interface TimelineInput {
  filter: RecordFilter;
  limit: number;
  order: 'asc' | 'desc';
  cursor?: string;
}

export interface EpisodeServiceOptions {
  store: EpisodeStore;
  clock: Clock;
  ids: IdGenerator;
}

/** Episodic memory: append-only, timestamped events, listed as a timeline. */
export function createEpisodeService({ store, clock, ids }: EpisodeServiceOptions) {
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
        embedding: { status: 'none' },
      }));
      await store.append(episodes);
      return episodes;
    },

    async get(ref: RecordRef): Promise<Episode> {
      const episode = await store.get(ref);
      if (episode === null) throw notFound('episode', ref.id);
      return episode;
    },

    async timeline(input: TimelineInput): Promise<{ items: Episode[]; nextCursor?: string }> {
      const page = await store.list({
        filter: input.filter,
        limit: input.limit,
        order: input.order,
        ...(input.cursor === undefined ? {} : { after: decodeCursor(input.cursor) }),
      });
      return { items: page.items, ...(page.next === undefined ? {} : { nextCursor: encodeCursor(page.next) }) };
    },

    async delete(ref: RecordRef): Promise<void> {
      if (!(await store.delete(ref))) throw notFound('episode', ref.id);
    },
  };
}

export type EpisodeService = ReturnType<typeof createEpisodeService>;
