import { toIso, type Clock } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { MemoryDraft, MemoryPatch, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import { beyondChars, contentKey } from '../../core/text.js';
import type { Memory, MemoryKind, MemoryVersion, Metadata } from '../../core/types.js';
import { embedForWrite, storeVectors, type WriteEmbedding } from '../embed-on-write.js';
import { listPage, type ListInput, type ListOutput } from '../paging.js';
import { markNearDuplicates } from './near-duplicates.js';

export interface MemoryInput {
  content: string;
  kind?: MemoryKind;
  importance?: number;
  metadata?: Metadata;
  expiresAt?: string;
  sourceEpisodeIds?: string[];
  userId?: string;
  agentId?: string;
  /** The session the memory was learned in: provenance (`sourceSessionIds`), not identity. */
  sessionId?: string;
  /** A slot such as `home_city`: the memory supersedes the slot's current one. */
  key?: string;
  /** When the fact became true, when learned late; the write's time by default. */
  validFrom?: string;
  /** Memories this one replaces. */
  supersedes?: string[];
}

export interface MemoryServiceOptions {
  store: SemanticStore;
  clock: Clock;
  ids: IdGenerator;
  embedding: WriteEmbedding;
  /** Cosine at or above which a new memory that states the same thing (`sameStatement`) merges into one in the same scope. */
  duplicateThreshold: number;
}

export const DEFAULT_MEMORY_KIND: MemoryKind = 'fact';
export const DEFAULT_IMPORTANCE = 0.5;

/** Semantic memory: facts, preferences and reflections, merged on duplicates and versioned on update. */
export function createMemoryService({ store, clock, ids, embedding, duplicateThreshold }: MemoryServiceOptions) {
  const live = async <T>(ref: RecordRef, found: T | null): Promise<T> => {
    if (found === null) throw notFound('memory', ref.id);
    return found;
  };

  return {
    /** Creates or merges every memory, or none; results in input order. */
    async upsert(namespace: string, inputs: MemoryInput[]): Promise<UpsertOutcome[]> {
      const nowMs = clock.now();
      const now = toIso(nowMs);
      const expired = inputs.flatMap((input, index) =>
        input.expiresAt !== undefined && Date.parse(input.expiresAt) <= nowMs
          ? [{ field: `memories[${index}].expiresAt`, message: 'must be in the future' }]
          : [],
      );
      if (expired.length > 0) throw validationError(expired);
      const drafts: MemoryDraft[] = inputs.map(({ kind, importance, metadata, sourceEpisodeIds, sessionId, validFrom, supersedes, ...rest }) => ({
        contentKey: contentKey(rest.content),
        memory: {
          ...rest,
          id: ids.next('mem'),
          namespace,
          kind: kind ?? DEFAULT_MEMORY_KIND,
          importance: importance ?? DEFAULT_IMPORTANCE,
          metadata: metadata ?? {},
          sourceEpisodeIds: sourceEpisodeIds ?? [],
          sourceSessionIds: sessionId === undefined ? [] : [sessionId],
          version: 1,
          createdAt: now,
          updatedAt: now,
          lastConfirmedAt: now,
          validFrom: validFrom === undefined ? now : toIso(Date.parse(validFrom)),
          supersedes: [],
          conflicts: [],
          embedding: { status: 'pending' },
        },
        ...(supersedes === undefined || supersedes.length === 0 ? {} : { supersedes }),
      }));
      const vectors = await embedForWrite(embedding, namespace, drafts.map((draft) => draft.memory.content));
      if (vectors !== undefined) {
        await markNearDuplicates(drafts, vectors, embedding.vectors, embedding.embedder.model, duplicateThreshold);
        // Offered to the store, which may write a new memory's vector with its row.
        const { model, maxInputChars } = embedding.embedder;
        drafts.forEach((draft, index) => {
          const vector = vectors[index];
          if (vector !== undefined) draft.vector = { model, vector, ...(beyondChars(draft.memory.content, maxInputChars) ? { truncated: true } : {}) };
        });
      }
      const outcomes = await store.upsert(drafts);
      // New memories need a vector (unless the store wrote it with the row), and so do near-duplicate
      // merges that took the new wording; an exact duplicate keeps the stored wording and vector (the
      // store skips a text that differs).
      await storeVectors(
        embedding,
        'memories',
        outcomes.flatMap(({ memory, action }, index) =>
          action !== 'unchanged' && memory.content === drafts[index]!.memory.content && !(action === 'created' && memory.embedding.status === 'ready')
            ? [{ namespace, id: memory.id, content: memory.content, vector: vectors?.[index] }]
            : [],
        ),
      );
      return outcomes;
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
      const vectors = patch.content === undefined ? undefined : await embedForWrite(embedding, ref.namespace, [patch.content]);
      const updated = await live(ref, await store.update({ ref, patch: full, ...(expectedVersion === undefined ? {} : { expectedVersion }) }));
      // New wording needs a new vector; the store has marked the memory pending until it comes.
      if (patch.content !== undefined) await storeVectors(embedding, 'memories', [{ namespace: ref.namespace, id: ref.id, content: patch.content, vector: vectors?.[0] }]);
      return (await store.get(ref)) ?? updated;
    },

    /** Marks a live memory as confirmed now (still true): only `lastConfirmedAt` moves. */
    async confirm(ref: RecordRef): Promise<Memory> {
      return live(ref, await store.confirm(ref));
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
