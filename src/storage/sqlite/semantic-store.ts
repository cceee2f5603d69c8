import { noteAuditRecords } from '../../core/audit-scope.js';
import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { mergeMemory } from '../../core/memory-merge.js';
import { applyPatch } from '../../core/memory-patch.js';
import type { MemoryDraft, MemoryUpdate, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import type { KeywordQuery, ListQuery, Memory, MemoryVersion, Page, Scored } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { toPage } from '../../core/cursor.js';
import { listSql, type SqlFragment, type TableSpec } from './filter-sql.js';
import { scopedBm25, scoredRows } from './scoped-bm25.js';
import { memoryParams, rowToMemory, rowToVersion, toMs, type HistoryRow, type MemoryRow } from './rows.js';
import type { VectorIndex } from './vector-index.js';

const MEMORIES: TableSpec = { table: 'memories', fts: 'memories_fts', timeColumn: 'created_at' };

const GET_LIVE = `SELECT * FROM memories WHERE namespace = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)`;
const FIND_DUPLICATE = `SELECT * FROM memories WHERE namespace = ? AND user_id IS ? AND agent_id IS ? AND session_id IS ?
  AND content_key = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at, id LIMIT 1`;
const INSERT = `INSERT INTO memories (id, namespace, user_id, agent_id, session_id, kind, content, content_key,
  importance, metadata, source_episode_ids, version, created_at, updated_at, expires_at,
  embedding_status, embedding_model, embedding_dim)
  VALUES (@id, @namespace, @user_id, @agent_id, @session_id, @kind, @content, @content_key, @importance, @metadata,
  @source_episode_ids, @version, @created_at, @updated_at, @expires_at, @embedding_status, @embedding_model, @embedding_dim)`;
// Scope, id and creation time never change; here the embedding columns change only through
// RESET_EMBEDDING, when the wording changes (an update, or a near-duplicate merge).
const UPDATE = `UPDATE memories SET kind = @kind, content = @content, content_key = @content_key,
  importance = @importance, metadata = @metadata, source_episode_ids = @source_episode_ids, version = @version,
  updated_at = @updated_at, expires_at = @expires_at WHERE id = @id`;
// New wording needs a new vector: the old one goes, and the memory waits to be embedded again.
const RESET_EMBEDDING = `UPDATE memories SET embedding = NULL, embedding_model = NULL, embedding_dim = NULL,
  embedding_status = 'pending' WHERE id = ?`;
const ARCHIVE = `INSERT INTO memory_history (memory_id, version, content, kind, importance, metadata, expires_at,
  source_episode_ids, valid_from, valid_to, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const HISTORY = 'SELECT * FROM memory_history WHERE memory_id = ? ORDER BY version DESC';
const DELETE = 'DELETE FROM memories WHERE namespace = ? AND id = ?';

function live(now: number, alias?: string): SqlFragment {
  const column = alias ? `${alias}.expires_at` : 'expires_at';
  return { sql: `(${column} IS NULL OR ${column} > ?)`, params: [now] };
}

/** Semantic memory. Every read ignores memories whose expiresAt has passed; delete does not. */
export class SqliteSemanticStore implements SemanticStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #vectors: VectorIndex;

  /** `vectors` is the adapter's shared vector index, which content updates and deletes keep current. */
  constructor(db: SqliteDatabase, clock: Clock, vectors: VectorIndex) {
    this.#db = db;
    this.#clock = clock;
    this.#vectors = vectors;
  }

  async upsert(drafts: MemoryDraft[]): Promise<UpsertOutcome[]> {
    if (drafts.length === 0) return [];
    const reworded: string[] = [];
    const outcomes = this.#db.transaction('memories.upsert', () => {
      const now = this.#clock.now();
      const written = drafts.map((draft) => this.#upsertOne(draft, now, reworded));
      noteAuditRecords(written.map((outcome) => outcome.memory.id));
      return written;
    });
    // After the commit: a memory merged with new wording has no vector until it is embedded again.
    for (const id of reworded) this.#vectors.remove('memories', drafts[0]!.memory.namespace, id);
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
    const deleted = this.#db.transaction('memories.delete', () => this.#db.statement(DELETE).run(ref.namespace, ref.id).changes > 0);
    if (deleted) this.#vectors.remove('memories', ref.namespace, ref.id);
    return deleted;
  }

  async history(ref: RecordRef): Promise<MemoryVersion[] | null> {
    return this.#db.run('memories.history', () => {
      if (!this.#getLive(ref, this.#clock.now())) return null;
      const rows = this.#db.statement(HISTORY).all(ref.id) as HistoryRow[];
      return rows.map(rowToVersion);
    });
  }

  async search(query: KeywordQuery): Promise<Scored<Memory>[]> {
    return this.#db.run('memories.search', () => {
      const hits = scopedBm25(this.#db, MEMORIES, query, live(this.#clock.now(), 't'));
      return scoredRows<MemoryRow>(this.#db, MEMORIES.table, hits).map(({ row, score }) => ({ item: rowToMemory(row), score }));
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
    const next: Memory = { ...patched.memory, version: current.version + 1, updatedAt: toIso(now) };
    this.#archive(current, now, 'update');
    const key = patched.contentKey ?? this.#contentKeyOf(current.id);
    this.#db.statement(UPDATE).run(memoryParams(next, key));
    const reworded = patched.contentKey !== undefined;
    if (reworded) this.#db.statement(RESET_EMBEDDING).run(current.id);
    return { memory: this.#getById(current.id), reworded };
  }

  /**
   * Merges into the draft's `mergeInto` when that memory is live, in exactly the draft's scope and
   * still worded as it was judged (taking the draft's wording when it differs), else into a live memory of the same scope and
   * content key (earlier drafts included, keeping the stored wording), else inserts. Ids of memories
   * whose wording changed are added to `reworded`.
   */
  #upsertOne(draft: MemoryDraft, now: number, reworded: string[]): UpsertOutcome {
    const incoming = draft.memory;
    const target = draft.mergeInto === undefined ? undefined : this.#mergeTarget(incoming, draft.mergeInto, now);
    const row = target ?? this.#duplicateOf(draft, now);
    if (!row) {
      this.#db.statement(INSERT).run(memoryParams(incoming, draft.contentKey));
      return { memory: this.#getById(incoming.id), action: 'created' };
    }
    const existing = rowToMemory(row);
    const rewording = target !== undefined && row.content_key !== draft.contentKey;
    const outcome = mergeMemory(existing, incoming, toIso(now), rewording ? 'incoming' : 'stored');
    if (outcome.action !== 'merged') return { memory: existing, action: outcome.action };
    this.#archive(existing, now, 'merge');
    this.#db.statement(UPDATE).run(memoryParams(outcome.memory, rewording ? draft.contentKey : row.content_key));
    if (rewording) {
      this.#db.statement(RESET_EMBEDDING).run(existing.id);
      reworded.push(existing.id);
    }
    return { memory: this.#getById(existing.id), action: 'merged' };
  }

  /** The oldest live memory with the draft's scope and content key. */
  #duplicateOf(draft: MemoryDraft, now: number): MemoryRow | undefined {
    const { namespace, userId, agentId, sessionId } = draft.memory;
    return this.#db
      .statement(FIND_DUPLICATE)
      .get(namespace, userId ?? null, agentId ?? null, sessionId ?? null, draft.contentKey, now) as MemoryRow | undefined;
  }

  /** The live memory `id` when it shares the namespace and every scope id (unset ones included) with `incoming`, and still has `contentKey`. */
  #mergeTarget(incoming: Memory, { id, contentKey }: { id: string; contentKey: string }, now: number): MemoryRow | undefined {
    const row = this.#db.statement(GET_LIVE).get(incoming.namespace, id, now) as MemoryRow | undefined;
    if (!row || row.content_key !== contentKey) return undefined;
    const same = (stored: string | null, wanted: string | undefined) => stored === (wanted ?? null);
    const inScope = same(row.user_id, incoming.userId) && same(row.agent_id, incoming.agentId) && same(row.session_id, incoming.sessionId);
    return inScope ? row : undefined;
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

  #getLive(ref: RecordRef, now: number): Memory | null {
    const row = this.#db.statement(GET_LIVE).get(ref.namespace, ref.id, now) as MemoryRow | undefined;
    return row ? rowToMemory(row) : null;
  }

  /** Re-reads a row just written, so callers get exactly what a later get returns. */
  #getById(id: string): Memory {
    const row = this.#db.statement('SELECT * FROM memories WHERE id = ?').get(id) as MemoryRow | undefined;
    if (!row) throw new MemosError('E_INTERNAL', 'sqlite: a memory just written could not be read back');
    return rowToMemory(row);
  }

  #contentKeyOf(id: string): string {
    const key = this.#db.statement('SELECT content_key FROM memories WHERE id = ?').pluck().get(id);
    return typeof key === 'string' ? key : '';
  }
}
