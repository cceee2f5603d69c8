import { toIso, type Clock } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { MemoryPatch, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import { contentKey } from '../../core/text.js';
import type { Memory, MemoryKind, MemoryVersion, Metadata } from '../../core/types.js';
import { listPage, type ListInput, type ListOutput } from '../paging.js';

export interface MemoryInput {
  content: string;
  kind?: MemoryKind;
  importance?: number;
  metadata?: Metadata;
  expiresAt?: string;
  sourceEpisodeIds?: string[];
  userId?: string;
  agentId?: string;
  sessionId?: string;
}

export interface MemoryServiceOptions {
  store: SemanticStore;
  clock: Clock;
  ids: IdGenerator;
}

export const DEFAULT_MEMORY_KIND: MemoryKind = 'fact';
export const DEFAULT_IMPORTANCE = 0.5;

/** Semantic memory: facts, preferences and reflections, merged on duplicates and versioned on update. */
export function createMemoryService({ store, clock, ids }: MemoryServiceOptions) {
  const live = async <T>(ref: RecordRef, found: T | null): Promise<T> => {
    if (found === null) throw notFound('memory', ref.id);
    return found;
  };

  return {
    /** Creates or merges every memory, or none; results in input order. */
    upsert(namespace: string, inputs: MemoryInput[]): Promise<UpsertOutcome[]> {
      const nowMs = clock.now();
      const now = toIso(nowMs);
      const expired = inputs.flatMap((input, index) =>
        input.expiresAt !== undefined && Date.parse(input.expiresAt) <= nowMs
          ? [{ field: `memories[${index}].expiresAt`, message: 'must be in the future' }]
          : [],
      );
      if (expired.length > 0) return Promise.reject(validationError(expired));
      return store.upsert(
        inputs.map(({ kind, importance, metadata, sourceEpisodeIds, ...rest }) => ({
          contentKey: contentKey(rest.content),
          memory: {
            ...rest,
            id: ids.next('mem'),
            namespace,
            kind: kind ?? DEFAULT_MEMORY_KIND,
            importance: importance ?? DEFAULT_IMPORTANCE,
            metadata: metadata ?? {},
            sourceEpisodeIds: sourceEpisodeIds ?? [],
            version: 1,
            createdAt: now,
            updatedAt: now,
            embedding: { status: 'none' },
          },
        })),
      );
    },

    async get(ref: RecordRef): Promise<Memory> {
      return live(ref, await store.get(ref));
    },

    /** Live memories by createdAt, paged. */
    list(input: ListInput): Promise<ListOutput<Memory>> {
      return listPage((query) => store.list(query), input);
    },

    async update(ref: RecordRef, patch: Omit<MemoryPatch, 'contentKey'>, expectedVersion?: number): Promise<Memory> {
      if (typeof patch.expiresAt === 'string' && Date.parse(patch.expiresAt) <= clock.now()) {
        throw validationError([{ field: 'expiresAt', message: 'must be in the future' }]);
      }
      const full: MemoryPatch = patch.content === undefined ? patch : { ...patch, contentKey: contentKey(patch.content) };
      return live(ref, await store.update({ ref, patch: full, ...(expectedVersion === undefined ? {} : { expectedVersion }) }));
    },

    async delete(ref: RecordRef): Promise<void> {
      if (!(await store.delete(ref))) throw notFound('memory', ref.id);
    },

    async history(ref: RecordRef): Promise<MemoryVersion[]> {
      return live(ref, await store.history(ref));
    },
  };
}

export type MemoryService = ReturnType<typeof createMemoryService>;
