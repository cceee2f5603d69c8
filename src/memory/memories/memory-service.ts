import { toIso, type Clock } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { EpisodeStore, MemoryDraft, MemoryPatch, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import { validityFilter, type ValidityAsk } from '../truth/validity-filter.js';
import { beyondChars, contentKey } from '../../core/text.js';
import type { ConflictMark, Episode, Memory, MemoryKind, MemoryVersion, Metadata } from '../../core/types.js';
import { contradictionChecker, type ConflictReason } from '../truth/contradiction-detector.js';
import { embedForWrite, storeVectors, type WriteEmbedding } from '../embed-on-write.js';
import { listPage, type ListInput, type ListOutput } from '../paging.js';
import { markNearDuplicates } from './near-duplicates.js';
import { relatedByKeywords } from './related-by-keywords.js';

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
  /** Where a memory's source episodes are read (`sources`). */
  episodes: EpisodeStore;
  clock: Clock;
  ids: IdGenerator;
  embedding: WriteEmbedding;
  /** Cosine at or above which a new memory that states the same thing (`sameStatement`) merges into a current one of the same identity. */
  duplicateThreshold: number;
  /** Cosine at or above which a current memory of the same identity is returned as `related` to a new one (docs/truth.md). */
  relatedThreshold: number;
  /** Told of every write once it has committed, after the answer is ready (the LLM judge queues from here); must not throw. */
  onWritten?: (namespace: string, written: MemoryWriteOutcome[]) => void;
}

/** A memory's provenance (GET /memories/{id}/sources). */
export interface MemorySources {
  memoryId: string;
  sessionIds: string[];
  episodes: Episode[];
  missingEpisodeIds: string[];
}

/** One likely contradiction: `memory` carries the mark, `conflictsWith` is the other current memory. */
export interface MemoryConflict extends Omit<ConflictMark, 'memoryId'> {
  memory: Memory;
  conflictsWith: Memory;
}

/** A current memory close to a new one: what the write answer lists as `related`. */
export interface RelatedMemory {
  id: string;
  /** Cosine between the two memories' vectors; absent when found by words (no embedder was ready). */
  similarity?: number;
  /** The word-level detector (truth/contradiction-detector.ts) found a likely contradiction. */
  possibleConflict: boolean;
  /** Why, when `possibleConflict`: e.g. `different-place`, `negation`. */
  reason?: ConflictReason;
}

/** One memory's outcome of a write, with the related memories of a new one. */
export interface MemoryWriteOutcome extends UpsertOutcome {
  /**
   * Current memories of the identity close to a new memory that neither merged nor took a slot:
   * most similar first. Empty for merges, slot updates and writes without a vector.
   */
  related: RelatedMemory[];
}

export const DEFAULT_MEMORY_KIND: MemoryKind = 'fact';
export const DEFAULT_IMPORTANCE = 0.5;

/** Semantic memory: facts, preferences and reflections, merged on duplicates and versioned on update. */
export function createMemoryService({ store, episodes, clock, ids, embedding, duplicateThreshold, relatedThreshold, onWritten }: MemoryServiceOptions) {
  const live = async <T>(ref: RecordRef, found: T | null): Promise<T> => {
    if (found === null) throw notFound('memory', ref.id);
    return found;
  };

  return {
    /** Creates or merges every memory, or none; results in input order. */
    async upsert(namespace: string, inputs: MemoryInput[]): Promise<MemoryWriteOutcome[]> {
      const nowMs = clock.now();
      const now = toIso(nowMs);
      const expired = inputs.flatMap((input, index) => [
        ...(input.expiresAt !== undefined && Date.parse(input.expiresAt) <= nowMs ? [{ field: `memories[${index}].expiresAt`, message: 'must be in the future' }] : []),
        ...(input.validFrom !== undefined && Date.parse(input.validFrom) > nowMs
          ? [{ field: `memories[${index}].validFrom`, message: 'must not be in the future: it says since when a fact learned late has held' }]
          : []),
      ]);
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
      let nearby: Candidate[][];
      if (vectors !== undefined) {
        const near = await markNearDuplicates(drafts, vectors, embedding.vectors, embedding.embedder.model, duplicateThreshold, relatedThreshold);
        nearby = near.map((hits) => hits.map(({ item, score }) => ({ item, similarity: score })));
      } else {
        // Keyword-only (no embedder ready): the candidates are found by words instead.
        nearby = (await relatedByKeywords(drafts, store, now)).map((items) => items.map((item) => ({ item })));
      }
      // Likely contradictions are marked on the new memory in its own write, so that the conflict
      // list never misses one; marks against a memory the write then supersedes drop out of it.
      const check = contradictionChecker();
      drafts.forEach((draft, index) => {
        draft.memory.conflicts = conflictMarks(draft, nearby[index]!, now, check);
      });
      if (vectors !== undefined) {
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
      const written = outcomes.map((outcome, index) => ({ ...outcome, related: relatedOf(outcome, drafts[index]!, nearby[index]!) }));
      onWritten?.(namespace, written);
      return written;
    },

    async get(ref: RecordRef): Promise<Memory> {
      return live(ref, await store.get(ref));
    },

    /** Live memories by createdAt, paged: the current ones unless `validity` asks for another time or every version. */
    list(input: ListInput & { validity?: ValidityAsk }): Promise<ListOutput<Memory>> {
      const { validity, ...rest } = input;
      const filter = { ...rest.filter, ...validityFilter(validity, clock.now()) };
      return listPage((query) => store.list(query), { ...rest, filter });
    },

    /**
     * Marks a current memory as no longer true (`validTo`, default now), or never true (a `validTo`
     * at or before its `validFrom`), without a replacement. It leaves recall; it stays readable.
     */
    async retract(ref: RecordRef, input: { reason?: string; validTo?: string }): Promise<Memory> {
      const now = clock.now();
      const validTo = input.validTo === undefined ? now : Date.parse(input.validTo);
      if (validTo > now) throw validationError([{ field: 'validTo', message: 'must not be in the future: a retraction says the fact is no longer true' }]);
      return live(ref, await store.retract({ ref, validTo, ...(input.reason === undefined ? {} : { reason: input.reason }) }));
    },

    /** The source episodes and sessions of a memory; episodes since deleted are listed by id in `missingEpisodeIds`. */
    async sources(ref: RecordRef): Promise<MemorySources> {
      const memory = await live(ref, await store.get(ref));
      const found = await Promise.all(memory.sourceEpisodeIds.map((id) => episodes.get({ namespace: ref.namespace, id, ...(ref.userId === undefined ? {} : { userId: ref.userId }) })));
      return {
        memoryId: memory.id,
        sessionIds: memory.sourceSessionIds,
        episodes: found.filter((episode): episode is Episode => episode !== null),
        missingEpisodeIds: memory.sourceEpisodeIds.filter((_, index) => found[index] === null),
      };
    },

    /** Likely contradictions between current memories of a scope, for an agent or a person to settle by superseding or retracting. */
    async conflicts(input: ListInput): Promise<ListOutput<MemoryConflict>> {
      const page = await listPage((query) => store.list(query), { ...input, filter: { ...input.filter, conflicted: true, validAt: toIso(clock.now()) } });
      const items: MemoryConflict[] = [];
      for (const memory of page.items) {
        for (const mark of memory.conflicts) {
          const other = await store.get({ namespace: memory.namespace, id: mark.memoryId });
          if (other === null || other.validTo !== undefined) continue;
          const { memoryId: _, ...why } = mark;
          items.push({ memory, conflictsWith: other, ...why });
        }
      }
      return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
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

/** Conflict marks for a draft: the nearby memories the detector flags, outside the draft's own slot (which a slot update settles). */
function conflictMarks(draft: MemoryDraft, nearby: Candidate[], at: string, check: ReturnType<typeof contradictionChecker>): ConflictMark[] {
  return nearby.flatMap(({ item, similarity }) => {
    if (draft.mergeInto?.id === item.id || (draft.memory.key !== undefined && item.key === draft.memory.key)) return [];
    const verdict = check(item.content, draft.memory.content);
    if (!verdict.possibleConflict) return [];
    return [{ memoryId: item.id, reason: verdict.reason ?? 'possible conflict', source: 'detector' as const, ...(similarity === undefined ? {} : { similarity: round(similarity) }), at }];
  });
}

/** A current memory near a draft: by vector (with its cosine), or by words when no vector was made. */
interface Candidate {
  item: Memory;
  similarity?: number;
}

/** The related memories of a write's outcome: for a new memory that took no slot, the nearby ones it did not supersede. */
function relatedOf(outcome: UpsertOutcome, draft: MemoryDraft, nearby: Candidate[]): RelatedMemory[] {
  if (outcome.action !== 'created' || outcome.memory.validTo !== undefined) return [];
  if (outcome.superseded?.some((memory) => memory.supersessionReason === 'key')) return [];
  const gone = new Set(outcome.superseded?.map((memory) => memory.id));
  const marks = new Map(draft.memory.conflicts.map((mark) => [mark.memoryId, mark]));
  return nearby
    .filter(({ item }) => !gone.has(item.id))
    .map(({ item, similarity }) => {
      const mark = marks.get(item.id);
      return {
        id: item.id,
        ...(similarity === undefined ? {} : { similarity: round(similarity) }),
        possibleConflict: mark !== undefined,
        ...(mark ? { reason: mark.reason as ConflictReason } : {}),
      };
    });
}

const round = (cosine: number) => Math.round(cosine * 1000) / 1000;

export type MemoryService = ReturnType<typeof createMemoryService>;
