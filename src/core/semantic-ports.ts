// The semantic tier's port: facts, preferences and reflections, merged, versioned and kept true
// over time (docs/truth.md). Re-exported by ports.ts.

import type { RecordRef } from './ports.js';
import type { SupersessionReason } from './validity.js';
import type { ConflictMark, KeywordQuery, ListQuery, Memory, MemoryKind, MemoryVersion, Metadata, Page, Scored, UpsertAction } from './types.js';

/** A memory the service has prepared (id, timestamps, version 1) and the key of its normalised text. */
export interface MemoryDraft {
  memory: Memory;
  contentKey: string;
  /**
   * A near-duplicate the service found by vector similarity and judged to state the same thing, by
   * its wording then (`contentKey`): the draft merges into memory `id` when it is still live, in
   * exactly the draft's scope and still has that wording; otherwise (deleted, expired, or reworded
   * meanwhile) the usual exact-duplicate rule applies.
   */
  mergeInto?: { id: string; contentKey: string };
  /**
   * The vector of the draft's wording, when the service has it at write time. A store may write it
   * with a memory it creates, in the same transaction (that outcome's memory then reports its
   * embedding `ready`); otherwise the service stores it through VectorStore.put afterwards.
   */
  vector?: { model: string; vector: Float32Array; truncated?: boolean };
  /**
   * Memories the draft replaces by request (`supersedes: [id]` in the write). Each must be a
   * current memory of the draft's identity (namespace, userId, agentId), else the whole batch fails
   * with E_VALIDATION naming `memories[<draft index>].supersedes[<j>]` (core/validity.ts).
   */
  supersedes?: string[];
}

export interface MemoryPatch {
  content?: string;
  contentKey?: string;
  kind?: MemoryKind;
  importance?: number;
  metadata?: Metadata;
  /** null clears the expiry. */
  expiresAt?: string | null;
}

export interface MemoryUpdate {
  ref: RecordRef;
  patch: MemoryPatch;
  /** When set, the update applies only if the stored version matches (else E_CONFLICT). */
  expectedVersion?: number;
}

export interface UpsertOutcome {
  memory: Memory;
  action: UpsertAction;
  /** Memories this write superseded (a slot update, or `supersedes` named), as they now stand. */
  superseded?: Memory[];
}

/** A retraction (POST /memories/{id}/retract): the fact is no longer, or never was, true. */
export interface MemoryRetraction {
  ref: RecordRef;
  /** When it stopped being true (epoch ms); clamped to the memory's validFrom (an empty window: never true). */
  validTo: number;
  reason?: string;
}

/** A supersession decided after the write (the LLM judge): memory `ref` replaces the current memories `ids` of its identity. */
export interface MemorySupersession {
  ref: RecordRef;
  ids: string[];
  reason: SupersessionReason;
}

export interface SemanticStore {
  /**
   * Insert or merge, all or none, in input order, in one transaction. For each draft:
   * 1. Its target is `mergeInto` (see MemoryDraft) when that memory is still live, current and of
   *    the draft's identity, else a live current memory of the same identity (namespace, userId,
   *    agentId: never the session) and `contentKey`, earlier drafts of the batch included.
   * 2. With a target, the draft merges into it (core/memory-merge.ts: sessions, sources and
   *    conflicts united, the draft's key when it has one). A merge, and an `unchanged` outcome too,
   *    sets the memory's `lastConfirmedAt` to the write's time (the same fact was stated again);
   *    an unchanged one gets no new version and no history row.
   * 3. Without one, the draft is inserted.
   * 4. When the draft has a `key`, the slot's current memory of the identity (other than the
   *    result) takes part in a slot update (core/validity.ts `takeSlot`), reason `key`.
   * 5. Every id in `supersedes` is superseded by the result (`supersede`, reason `request`).
   * Superseded memories are written with their new `validTo`, `supersededBy` and
   * `supersessionReason` (no new version, no history row) and returned in `superseded`.
   */
  upsert(drafts: MemoryDraft[]): Promise<UpsertOutcome[]>;
  /** A live memory, current or not; null when missing or expired. */
  get(ref: RecordRef): Promise<Memory | null>;
  /** Live memories by createdAt; `filter.validAt`, `filter.key`, `filter.conflicted` and a memory's sessions apply (RecordFilter). */
  list(query: ListQuery): Promise<Page<Memory>>;
  /** Keeps the previous version in history. null when missing or expired. */
  update(command: MemoryUpdate): Promise<Memory | null>;
  delete(ref: RecordRef): Promise<boolean>;
  /** Earlier versions, newest first; null when the memory is missing or expired. */
  history(ref: RecordRef): Promise<MemoryVersion[] | null>;
  search(query: KeywordQuery): Promise<Scored<Memory>[]>;
  /**
   * Sets a live memory's `lastConfirmedAt` to now, changing nothing else (no new version, no
   * history row); null when the memory is missing, expired or outside `ref`'s reach.
   */
  confirm(ref: RecordRef): Promise<Memory | null>;
  /**
   * Ends a current memory's validity without a replacement (core/validity.ts `retract`); no new
   * version, no history row. null when missing, expired or outside reach; E_CONFLICT (`notCurrent`)
   * when it is superseded or retracted already.
   */
  retract(command: MemoryRetraction): Promise<Memory | null>;
  /**
   * Memory `ref` (current) supersedes each current memory `ids` of its identity, as a write's
   * `supersedes` would. null when `ref` is missing, expired or outside reach; E_CONFLICT when `ref`
   * is not current; ids that are missing, of another identity or no longer current are skipped.
   */
  supersede(command: MemorySupersession): Promise<Memory | null>;
  /** Adds conflict marks to a live memory (united by memoryId); null when missing. No new version. */
  noteConflicts(ref: RecordRef, marks: ConflictMark[]): Promise<Memory | null>;
}
