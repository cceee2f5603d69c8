import { noteAuditRecords } from '../../core/audit-scope.js';
import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { mergeMemory } from '../../core/memory-merge.js';
import { applyPatch } from '../../core/memory-patch.js';
import type { MemoryDraft, MemoryRetraction, MemorySupersession as SupersessionCommand, MemoryUpdate, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import type { ConflictMark, KeywordQuery, ListQuery, Memory, MemoryVersion, Page, Scored } from '../../core/types.js';
import { notCurrent, retract, slotsAgree, uniteConflicts } from '../../core/validity.js';
import type { SqliteDatabase } from './database.js';
import { toPage } from '../../core/cursor.js';
import { listSql, scopeFilter, type SqlFragment, type StoreScope, type TableSpec } from './filter-sql.js';
import { scopedBm25, scoredRows } from './scoped-bm25.js';
import { MemorySupersession } from './memory-supersession.js';
import { insertMemorySql, memoryColumns, memoryParams, rowToMemory, rowToVersion, toMs, type HistoryRow, type MemoryRow } from './rows.js';
import { vectorBlob } from './vector-blob.js';
import type { VectorIndex } from './vector-index.js';

const MEMORIES: TableSpec = { table: 'memories', fts: 'memories_fts', timeColumn: 'created_at' };

const LIVE = '(expires_at IS NULL OR expires_at > ?)';
/** A statement on the memory `id` within `scope`: `${head} WHERE <scope> AND id = ?${tail}`, its parameters the scope's then the id. */
function byId(head: string, scope: StoreScope, tail = ''): string {
  return `${head} WHERE ${scopeFilter(scope).sql} AND id = ?${tail}`;
}
const scopeParams = (scope: StoreScope) => scopeFilter(scope).params;
/** The oldest live, current memory of an identity (never the session) with a content key (index memories_current_content). */
const FIND_DUPLICATE = (namespace: string) => `SELECT ${memoryColumns()} FROM memories WHERE ${scopeFilter({ namespace }).sql} AND user_id IS ? AND agent_id IS ?
  AND content_key = ? AND (? IS NULL OR slot_key IS NULL OR slot_key = ?) AND valid_to IS NULL AND ${LIVE} ORDER BY created_at, id LIMIT 1`;
const INSERT = insertMemorySql();
/** A new memory with the vector of its wording, known at write time: one row write instead of an insert and an update. */
const INSERT_WITH_VECTOR = insertMemorySql({ embedding_status: `'ready'`, embedding: '@embedding', embedding_truncated: '@embedding_truncated' });
// Scope, id and creation time never change; here the embedding columns change only through
// RESET_EMBEDDING, when the wording changes (an update, or a near-duplicate merge), and the
// validity columns only through memory-supersession.ts. The scope's parameters are positional,
// the new values named.
const UPDATE = (scope: StoreScope) => `UPDATE memories SET kind = @kind, content = @content, content_key = @content_key,
  importance = @importance, metadata = @metadata, source_episode_ids = @source_episode_ids, source_session_ids = @source_session_ids,
  slot_key = @slot_key, conflicts = @conflicts, version = @version, updated_at = @updated_at, expires_at = @expires_at,
  last_confirmed_at = @last_confirmed_at WHERE ${scopeFilter(scope).sql} AND id = @id`;
/** Conflict marks change no version. */
const NOTE_CONFLICTS = (scope: StoreScope) => byId('UPDATE memories SET conflicts = ?', scope);
/** A confirmation changes only when the fact was last confirmed: no version, no history row. */
const CONFIRM = (scope: StoreScope) => byId('UPDATE memories SET last_confirmed_at = ?', scope);
// New wording needs a new vector: the old one goes, and the memory waits to be embedded again.
const RESET_EMBEDDING = (scope: StoreScope) =>
  byId(`UPDATE memories SET embedding = NULL, embedding_model = NULL, embedding_dim = NULL, embedding_status = 'pending'`, scope);
const ARCHIVE = `INSERT INTO memory_history (memory_id, version, content, kind, importance, metadata, expires_at,
  source_episode_ids, valid_from, valid_to, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// History rows carry no scope of their own: they are reached through their memory, within the scope.
const HISTORY = (scope: StoreScope) => `SELECT h.* FROM memory_history h JOIN memories m ON m.id = h.memory_id
  WHERE ${scopeFilter(scope, 'm').sql} AND h.memory_id = ? ORDER BY h.version DESC`;

function live(now: number, alias?: string): SqlFragment {
  const column = alias ? `${alias}.expires_at` : 'expires_at';
  return { sql: `(${column} IS NULL OR ${column} > ?)`, params: [now] };
}

/** Semantic memory. Every read ignores memories whose expiresAt has passed; delete does not. */
export class SqliteSemanticStore implements SemanticStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #vectors: VectorIndex;
  readonly #supersession: MemorySupersession;

  /** `vectors` is the adapter's shared vector index, which content updates and deletes keep current. */
  constructor(db: SqliteDatabase, clock: Clock, vectors: VectorIndex) {
    this.#db = db;
    this.#clock = clock;
    this.#vectors = vectors;
    this.#supersession = new MemorySupersession(db);
  }

  async upsert(drafts: MemoryDraft[]): Promise<UpsertOutcome[]> {
    if (drafts.length === 0) return [];
    const reworded: Memory[] = [];
    const embedded: Array<{ memory: Memory; vector: NonNullable<MemoryDraft['vector']> }> = [];
    const outcomes = this.#db.transaction('memories.upsert', () => {
      const now = this.#clock.now();
      const changed: string[] = [];
      const written = drafts.map((draft, index): UpsertOutcome => {
        const outcome = this.#upsertOne(draft, now, reworded, embedded);
        // Slots and the supersessions the draft names (memory-supersession.ts), in the same transaction.
        const { memory, superseded, touched } = this.#supersession.settle(draft, index, outcome.memory, now);
        changed.push(outcome.memory.id, ...touched);
        if (memory === outcome.memory) return outcome;
        return { ...outcome, memory: this.#reread(memory), ...(superseded.length === 0 ? {} : { superseded: superseded.map((m) => this.#reread(m)) }) };
      });
      noteAuditRecords([...new Set(changed)]);
      return written;
    });
    // After the commit: a memory merged with new wording has no vector until it is embedded again,
    // and a memory created with its vector enters the index.
    for (const memory of reworded) this.#vectors.remove('memories', memory.namespace, memory.id);
    for (const { memory, vector } of embedded) {
      const { namespace, userId, agentId } = memory;
      const key = { tier: 'memories' as const, namespace, model: vector.model, dimensions: vector.vector.length };
      this.#vectors.set(key, memory.id, { userId, agentId }, vector.vector);
    }
    return outcomes;
  }

  async get(ref: RecordRef): Promise<Memory | null> {
    return this.#db.run('memories.get', () => this.#getLive(ref, this.#clock.now()));
  }

  async list(query: ListQuery): Promise<Page<Memory>> {
    return this.#db.run('memories.list', () => {
      const { sql, params } = listSql(MEMORIES, query, live(this.#clock.now()));
      const rows = this.#db.statement(sql).all(...params) as MemoryRow[];
      return toPage(rows.map(rowToMemory), query.limit, (memory) => memory.createdAt);
    });
  }

  async update(command: MemoryUpdate): Promise<Memory | null> {
    const { memory, reworded } = this.#db.transaction('memories.update', () => this.#update(command));
    // After the commit: a memory with new wording has no vector until it is embedded again.
    if (reworded) this.#vectors.remove('memories', command.ref.namespace, command.ref.id);
    return memory;
  }

  async delete(ref: RecordRef): Promise<boolean> {
    // memory_history rows go with the memory (ON DELETE CASCADE).
    const deleted = this.#db.transaction('memories.delete', () => this.#db.statement(byId('DELETE FROM memories', ref)).run(...scopeParams(ref), ref.id).changes > 0);
    if (deleted) this.#vectors.remove('memories', ref.namespace, ref.id);
    return deleted;
  }

  async history(ref: RecordRef): Promise<MemoryVersion[] | null> {
    return this.#db.run('memories.history', () => {
      if (!this.#getLive(ref, this.#clock.now())) return null;
      const rows = this.#db.statement(HISTORY(ref)).all(...scopeParams(ref), ref.id) as HistoryRow[];
      return rows.map(rowToVersion);
    });
  }

  async confirm(ref: RecordRef): Promise<Memory | null> {
    return this.#db.transaction('memories.confirm', () => {
      const now = this.#clock.now();
      const current = this.#getLive(ref, now);
      if (!current) return null;
      noteAuditRecords([current.id]);
      return this.#confirm(current, now);
    });
  }

  async retract(command: MemoryRetraction): Promise<Memory | null> {
    return this.#db.transaction('memories.retract', () => {
      const now = this.#clock.now();
      const current = this.#getLive(command.ref, now);
      if (!current) return null;
      if (current.validTo !== undefined) throw notCurrent(current);
      this.#supersession.write(retract(current, command.validTo, now, command.reason));
      noteAuditRecords([current.id]);
      return this.#reread(current);
    });
  }

  async supersede(command: SupersessionCommand): Promise<Memory | null> {
    return this.#db.transaction('memories.supersede', () => {
      const now = this.#clock.now();
      const newer = this.#getLive(command.ref, now);
      if (!newer) return null;
      if (newer.validTo !== undefined) throw notCurrent(newer);
      const { memory, superseded } = this.#supersession.supersedeAll(newer, command.ids, command.reason, now);
      noteAuditRecords([newer.id, ...superseded.map((m) => m.id)]);
      return this.#reread(memory);
    });
  }

  async noteConflicts(ref: RecordRef, marks: ConflictMark[]): Promise<Memory | null> {
    return this.#db.transaction('memories.noteConflicts', () => {
      const current = this.#getLive(ref, this.#clock.now());
      if (!current) return null;
      const conflicts = uniteConflicts(current.conflicts, marks);
      const scope = { namespace: current.namespace };
      this.#db.statement(NOTE_CONFLICTS(scope)).run(JSON.stringify(conflicts), ...scopeParams(scope), current.id);
      noteAuditRecords([current.id]);
      return this.#reread(current);
    });
  }

  async search(query: KeywordQuery): Promise<Scored<Memory>[]> {
    return this.#db.run('memories.search', () => {
      const hits = scopedBm25(this.#db, MEMORIES, query, live(this.#clock.now(), 't'));
      return scoredRows<MemoryRow>(this.#db, MEMORIES.table, query.filter, hits).map(({ row, score }) => ({ item: rowToMemory(row), score }));
    });
  }

  /** The update itself, inside its transaction; `reworded` when the content changed. */
  #update(command: MemoryUpdate): { memory: Memory | null; reworded: boolean } {
    const now = this.#clock.now();
    const current = this.#getLive(command.ref, now);
    if (!current) return { memory: null, reworded: false };
    if (command.expectedVersion !== undefined && command.expectedVersion !== current.version) {
      throw new MemosError(
        'E_CONFLICT',
        `memory is at version ${current.version}, not the expected version ${command.expectedVersion}`,
      );
    }
    const patched = applyPatch(current, command.patch);
    if (!patched) return { memory: current, reworded: false };
    // New content is the fact stated afresh, by whoever sent it: that confirms it too.
    const confirmed = patched.contentKey === undefined ? {} : { lastConfirmedAt: toIso(now) };
    const next: Memory = { ...patched.memory, version: current.version + 1, updatedAt: toIso(now), ...confirmed };
    this.#archive(current, now, 'update');
    const key = patched.contentKey ?? this.#contentKeyOf(current);
    this.#write(next, key);
    const reworded = patched.contentKey !== undefined;
    if (reworded) this.#resetEmbedding(current);
    return { memory: this.#reread(current), reworded };
  }

  /**
   * Merges into the draft's `mergeInto` when that memory is live, in exactly the draft's scope and
   * still worded as it was judged (taking the draft's wording when it differs), else into a live memory of the same scope and
   * content key (earlier drafts included, keeping the stored wording), else inserts. Memories
   * whose wording changed are added to `reworded`.
   */
  #upsertOne(draft: MemoryDraft, now: number, reworded: Memory[], embedded: Array<{ memory: Memory; vector: NonNullable<MemoryDraft['vector']> }>): UpsertOutcome {
    const incoming = draft.memory;
    const target = draft.mergeInto === undefined ? undefined : this.#mergeTarget(incoming, draft.mergeInto, now);
    const row = target ?? this.#duplicateOf(draft, now);
    if (!row) {
      const params = memoryParams(incoming, draft.contentKey);
      const blob = draft.vector === undefined ? undefined : vectorBlob(draft.vector.vector);
      if (draft.vector === undefined || blob === undefined) {
        this.#db.statement(INSERT).run(params);
        // The row is what was just written (no default or trigger changes an inserted memory's
        // columns that a read returns): read back from the parameters, not from the table.
        return { memory: rowToMemory(params), action: 'created' };
      }
      const { model, vector, truncated } = draft.vector;
      const withVector = { ...params, embedding_status: 'ready', embedding_model: model, embedding_dim: vector.length, embedding: blob, embedding_truncated: truncated ? 1 : 0 };
      this.#db.statement(INSERT_WITH_VECTOR).run(withVector);
      const memory = rowToMemory(withVector);
      embedded.push({ memory, vector: draft.vector });
      return { memory, action: 'created' };
    }
    const existing = rowToMemory(row);
    const rewording = target !== undefined && row.content_key !== draft.contentKey;
    const outcome = mergeMemory(existing, incoming, toIso(now), rewording ? 'incoming' : 'stored');
    if (outcome.action !== 'merged') return { memory: this.#confirm(existing, now), action: outcome.action };
    this.#archive(existing, now, 'merge');
    this.#write(outcome.memory, rewording ? draft.contentKey : row.content_key);
    if (rewording) {
      this.#resetEmbedding(existing);
      reworded.push(existing);
    }
    return { memory: this.#reread(existing), action: 'merged' };
  }

  /** The oldest live, current memory with the draft's identity and content key. */
  #duplicateOf(draft: MemoryDraft, now: number): MemoryRow | undefined {
    const { namespace, userId, agentId } = draft.memory;
    return this.#db
      .statement(FIND_DUPLICATE(namespace))
      .get(...scopeParams({ namespace }), userId ?? null, agentId ?? null, draft.contentKey, draft.memory.key ?? null, draft.memory.key ?? null, now) as MemoryRow | undefined;
  }

  /**
   * The live memory `id` when it is current, shares the namespace, user and agent (unset ones
   * included; never the session) with `incoming`, and still has `contentKey`.
   */
  #mergeTarget(incoming: Memory, { id, contentKey }: { id: string; contentKey: string }, now: number): MemoryRow | undefined {
    const row = this.#liveRow({ namespace: incoming.namespace, id }, now);
    if (!row || row.content_key !== contentKey || row.valid_to !== null || !slotsAgree(row.slot_key, incoming.key)) return undefined;
    const same = (stored: string | null, wanted: string | undefined) => stored === (wanted ?? null);
    return same(row.user_id, incoming.userId) && same(row.agent_id, incoming.agentId) ? row : undefined;
  }

  /** Keeps `memory` as it stood until `now` in memory_history. */
  #archive(memory: Memory, now: number, reason: MemoryVersion['reason']): void {
    this.#db
      .statement(ARCHIVE)
      .run(
        memory.id,
        memory.version,
        memory.content,
        memory.kind,
        memory.importance,
        JSON.stringify(memory.metadata),
        memory.expiresAt === undefined ? null : toMs(memory.expiresAt, 'expiresAt'),
        JSON.stringify(memory.sourceEpisodeIds),
        toMs(memory.updatedAt, 'updatedAt'),
        now,
        reason,
      );
  }

  /** Raises `memory`'s lastConfirmedAt to `now` (never lowers it: a clock that stepped back confirms nothing). */
  #confirm(memory: Memory, now: number): Memory {
    if (toMs(memory.lastConfirmedAt, 'lastConfirmedAt') >= now) return memory;
    const scope = { namespace: memory.namespace };
    this.#db.statement(CONFIRM(scope)).run(now, ...scopeParams(scope), memory.id);
    return { ...memory, lastConfirmedAt: toIso(now) };
  }

  #getLive(ref: RecordRef, now: number): Memory | null {
    const row = this.#liveRow(ref, now);
    return row ? rowToMemory(row) : null;
  }

  #liveRow(ref: RecordRef, now: number): MemoryRow | undefined {
    return this.#db.statement(byId(`SELECT ${memoryColumns()} FROM memories`, ref, ` AND ${LIVE}`)).get(...scopeParams(ref), ref.id, now) as MemoryRow | undefined;
  }

  /** Writes a new version over the stored memory (its scope and id unchanged). */
  #write(memory: Memory, contentKey: string): void {
    this.#db.statement(UPDATE({ namespace: memory.namespace })).run(...scopeParams({ namespace: memory.namespace }), memoryParams(memory, contentKey));
  }

  #resetEmbedding(memory: Memory): void {
    this.#db.statement(RESET_EMBEDDING({ namespace: memory.namespace })).run(...scopeParams({ namespace: memory.namespace }), memory.id);
  }

  /** Re-reads a row just written, so callers get exactly what a later get returns. */
  #reread(memory: Memory): Memory {
    const scope = { namespace: memory.namespace };
    const row = this.#db.statement(byId(`SELECT ${memoryColumns()} FROM memories`, scope)).get(...scopeParams(scope), memory.id) as MemoryRow | undefined;
    if (!row) throw new MemosError('E_INTERNAL', 'sqlite: a memory just written could not be read back');
    return rowToMemory(row);
  }

  #contentKeyOf(memory: Memory): string {
    const scope = { namespace: memory.namespace };
    const key = this.#db.statement(byId('SELECT content_key FROM memories', scope)).pluck().get(...scopeParams(scope), memory.id);
    return typeof key === 'string' ? key : '';
  }
}
