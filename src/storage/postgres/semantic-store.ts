import { noteAuditRecords } from '../../core/audit-scope.js';
import { toIso, type Clock } from '../../core/clock.js';
import { toPage } from '../../core/cursor.js';
import { MemosError } from '../../core/errors.js';
import { applyPatch } from '../../core/memory-patch.js';
import type { MemoryDraft, MemoryRetraction, MemorySupersession, MemoryUpdate, RecordRef, SemanticStore, UpsertOutcome } from '../../core/ports.js';
import type { ConflictMark, KeywordQuery, ListQuery, Memory, MemoryVersion, Page, RecordFilter, Scored } from '../../core/types.js';
import {
  ARCHIVE_AND_UPDATE,
  archiveAndUpdateValues,
  CONFIRM,
  MEMORIES,
  memoryColumns,
  rowToMemory,
  rowToVersion,
  type HistoryRow,
  type MemoryRow,
} from './memory-rows.js';
import type { PgDatabase } from './pg-database.js';
import { listSql, type ExtraCondition } from './pg-filter-sql.js';
import { noteMemoryConflicts, retractMemory, supersedeMemories } from './memory-supersession.js';
import { upsertMemories } from './memory-upsert.js';
import { readDialect } from './vector-sql.js';
import { byNamespace, type TenantScope } from './row-security.js';
import { scopedBm25Sql } from './scoped-bm25.js';
import type { SqlExecutor } from './sql-engine.js';

/** The memory `ref` names: $1 namespace, $2 id, and $3 its user when it names one (NULL skips the condition). */
const OF_REF = (alias = '') => `${alias}namespace = $1 AND ${alias}id = $2 AND ($3::text IS NULL OR ${alias}user_id = $3)`;
const refParams = (ref: RecordRef) => [ref.namespace, ref.id, ref.userId ?? null];
/** Live at $4, now. */
const GET_LIVE = `SELECT ${MEMORIES.columns} FROM memories WHERE ${OF_REF()} AND (expires_at IS NULL OR expires_at > $4)`;
const HISTORY = `SELECT h.* FROM memories m
  LEFT JOIN memory_history h ON h.namespace = m.namespace AND h.memory_id = m.id
  WHERE ${OF_REF('m.')} AND (m.expires_at IS NULL OR m.expires_at > $4)
  ORDER BY h.version DESC`;
const DELETE = `DELETE FROM memories WHERE ${OF_REF()} RETURNING 1`;
const filterScope = (filter: RecordFilter): TenantScope => ({ namespace: filter.namespace, userId: filter.userId });
// Transaction-level advisory locks, taken in one sorted order so that two batches never deadlock.
const LOCK_KEYS = `SELECT pg_advisory_xact_lock(key)
  FROM (SELECT DISTINCT hashtextextended(lock_name, 0) AS key FROM unnest($1::text[]) AS lock_name ORDER BY key) AS keys`;

/** Only memories whose expiry is after `now`: the condition every read adds. */
const live = (now: string): ExtraCondition => (params, alias) => {
  const column = alias ? `${alias}.expires_at` : 'expires_at';
  return `(${column} IS NULL OR ${column} > ${params.add(now)}::timestamptz)`;
};

/**
 * Semantic memory in Postgres, with the SQLite store's semantics: every read ignores memories
 * whose expiresAt has passed (delete does not), writes keep the replaced version in
 * memory_history, and a batch of drafts is written all or none. Where SQLite serialises writers,
 * here an upsert locks each (identity, content key) and (identity, slot) it writes and each row it
 * merges into or supersedes, so that concurrent exact duplicates still merge instead of each
 * creating a memory, and concurrent writes of one slot leave one current memory.
 */
export class PgSemanticStore implements SemanticStore {
  readonly #db: PgDatabase;
  readonly #clock: Clock;
  /** Whether a new memory's vector is written with its row: on the exact path (no pgvector, whose HNSW index the vector store creates). */
  #withVectors: boolean | undefined;

  constructor(db: PgDatabase, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async upsert(drafts: MemoryDraft[]): Promise<UpsertOutcome[]> {
    if (drafts.length === 0) return [];
    const now = this.#now();
    if (drafts.some((draft) => draft.vector !== undefined)) this.#withVectors ??= (await this.#db.run('vectors.dialect', readDialect)).backend === 'exact';
    const withVectors = this.#withVectors === true;
    // One transaction; each namespace's drafts are resolved and written in its own scope (no draft
    // merges across namespaces), their outcomes put back in input order.
    const groups = byNamespace(
      drafts.map((draft, index) => ({ draft, index })),
      ({ draft }) => draft.memory.namespace,
    );
    const outcomes = await this.#db.tenant({ namespace: groups[0]![0] }, 'memories.upsert', async (tx) => {
      await tx.query(LOCK_KEYS, [drafts.flatMap((draft) => this.#lockNames(draft))]);
      const outcomes: UpsertOutcome[] = new Array(drafts.length);
      for (const [namespace, group] of groups) {
        await tx.enter({ namespace });
        const written = await upsertMemories(tx, group.map(({ draft }) => draft), now, withVectors, group.map(({ index }) => index));
        group.forEach(({ index }, n) => (outcomes[index] = written[n]!));
        noteAuditRecords(written.flatMap((outcome) => [outcome.memory.id, ...(outcome.superseded ?? []).map((memory) => memory.id)]));
      }
      return outcomes;
    });
    this.#db.wrote();
    return outcomes;
  }

  async get(ref: RecordRef): Promise<Memory | null> {
    const [row] = await this.#db.tenantQuery<MemoryRow>(ref, 'memories.get', GET_LIVE, [...refParams(ref), this.#now()]);
    return row ? rowToMemory(row) : null;
  }

  async list(query: ListQuery): Promise<Page<Memory>> {
    const { sql, params } = listSql(MEMORIES, query, live(this.#now()));
    const rows = await this.#db.tenantQuery<MemoryRow>(filterScope(query.filter), 'memories.list', sql, params);
    return toPage(rows.map(rowToMemory), query.limit, (memory) => memory.createdAt);
  }

  async update(command: MemoryUpdate): Promise<Memory | null> {
    return this.#db.tenant(command.ref, 'memories.update', (tx) => this.#update(tx, command));
  }

  async delete(ref: RecordRef): Promise<boolean> {
    // memory_history rows go with the memory (ON DELETE CASCADE).
    // In a transaction even without row security, so that the request's audit entry commits with it.
    const rows = await this.#db.tenant(ref, 'memories.delete', (tx) => tx.query(DELETE, refParams(ref)));
    return rows.length > 0;
  }

  async history(ref: RecordRef): Promise<MemoryVersion[] | null> {
    // No row: no live memory. One row with no version: a live memory without history.
    type Joined = { [K in keyof HistoryRow]: HistoryRow[K] | null };
    const rows = await this.#db.tenantQuery<Joined>(ref, 'memories.history', HISTORY, [...refParams(ref), this.#now()]);
    if (rows.length === 0) return null;
    return rows.filter((row): row is HistoryRow => row.memory_id !== null).map(rowToVersion);
  }

  async confirm(ref: RecordRef): Promise<Memory | null> {
    // In a transaction even without row security, so that the request's audit entry commits with it.
    const row = await this.#db.tenant(ref, 'memories.confirm', async (tx) => {
      const [confirmed] = await tx.query<MemoryRow>(CONFIRM, [ref.namespace, [ref.id], ref.userId ?? null, this.#now()]);
      if (confirmed) noteAuditRecords([confirmed.id]);
      return confirmed;
    });
    return row ? rowToMemory(row) : null;
  }

  async retract(command: MemoryRetraction): Promise<Memory | null> {
    // In a transaction even without row security, so that the request's audit entry commits with it.
    return this.#db.tenant(command.ref, 'memories.retract', (tx) => retractMemory(tx, command, this.#now()));
  }

  async supersede(command: MemorySupersession): Promise<Memory | null> {
    return this.#db.tenant(command.ref, 'memories.supersede', (tx) => supersedeMemories(tx, command, this.#now()));
  }

  async noteConflicts(ref: RecordRef, marks: ConflictMark[]): Promise<Memory | null> {
    return this.#db.tenant(ref, 'memories.noteConflicts', (tx) => noteMemoryConflicts(tx, ref, marks, this.#now()));
  }

  async search(query: KeywordQuery): Promise<Scored<Memory>[]> {
    const statement = scopedBm25Sql(MEMORIES, query, memoryColumns('r'), live(this.#now()), { rowSecurity: this.#db.rowSecurity });
    if (!statement) return [];
    const rows = await this.#db.tenantQuery<MemoryRow & { score: number }>(filterScope(query.filter), 'memories.search', statement.sql, statement.params);
    return rows.map((row) => ({ item: rowToMemory(row), score: row.score }));
  }

  /** The update itself, inside its transaction, with the row locked until it commits. */
  async #update(tx: SqlExecutor, command: MemoryUpdate): Promise<Memory | null> {
    const now = this.#now();
    const [row] = await tx.query<MemoryRow>(`${GET_LIVE} FOR UPDATE`, [...refParams(command.ref), now]);
    if (!row) return null;
    const current = rowToMemory(row);
    if (command.expectedVersion !== undefined && command.expectedVersion !== current.version) {
      throw new MemosError('E_CONFLICT', `memory is at version ${current.version}, not the expected version ${command.expectedVersion}`);
    }
    const patched = applyPatch(current, command.patch);
    if (!patched) return current;
    const reworded = patched.contentKey !== undefined;
    // New content is the fact stated afresh, by whoever sent it: that confirms it too.
    const next: Memory = { ...patched.memory, version: current.version + 1, updatedAt: now, ...(reworded ? { lastConfirmedAt: now } : {}) };
    return this.#write(tx, archiveAndUpdateValues(next, patched.contentKey ?? row.content_key, now, 'update', reworded));
  }

  /** Runs ARCHIVE_AND_UPDATE and returns the memory as a later get would. */
  async #write(tx: SqlExecutor, values: unknown[]): Promise<Memory> {
    const [row] = await tx.query<MemoryRow>(ARCHIVE_AND_UPDATE, values);
    if (!row) throw new MemosError('E_INTERNAL', 'postgres: a memory just written could not be read back');
    return rowToMemory(row);
  }

  /**
   * What the locks of a draft are named: the schema, the identity (never the session) and the
   * content key, and the slot when it has one, so that two writes of one fact, or of one slot,
   * take turns.
   */
  #lockNames(draft: MemoryDraft): string[] {
    const { namespace, userId, agentId, key } = draft.memory;
    const identity = ['memos:memory', this.#db.schema, namespace, userId ?? null, agentId ?? null];
    return [JSON.stringify([...identity, draft.contentKey]), ...(key === undefined ? [] : [JSON.stringify([...identity, { slot: key }])])];
  }

  #now(): string {
    return toIso(this.#clock.now());
  }
}
