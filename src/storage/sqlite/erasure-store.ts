// Verified erasure on SQLite (see src/memory/erasure/erasure-service.ts for the procedure). The
// fence is a row of erasure_fences that triggers check on every insert of an episode or memory.
// A pass deletes the subject's memories (their history first), episodes and the vectors in their
// rows in one transaction; the FTS5 triggers take the keyword index rows, and the keyword
// statistics fold drops the subject's scope rows and every term whose count reaches 0. `compact`
// then leaves no erased text in the files: FTS5 'optimize' rewrites the index segments without
// the deleted entries, `secure_delete` zeroes the pages freed, a TRUNCATE checkpoint empties the
// WAL, and the vector snapshot files of the namespace go (they load from SQLite again).

import { readdirSync, readSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MemosError } from '../../core/errors.js';
import type { ErasureCounts, ErasurePass, ErasureReceipt, ErasureReceipts, ErasureStore, ErasureSubject } from '../../core/ports.js';
import type { Tier } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';
import { scopeMatch } from './keyword-stats-schema.js';
import type { VectorIndex } from './vector-index.js';

const TIERS: Tier[] = ['episodes', 'memories'];
/** The real time in epoch ms, as the fence triggers read it (never the injected clock: writes are timed by SQLite). */
const NOW = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

export class SqliteErasureStore implements ErasureStore {
  readonly #db: SqliteDatabase;
  readonly #index: VectorIndex;
  /** Where the vector index snapshots live (`<db>-vectors`); undefined in memory. */
  readonly #snapshotFolder: string | undefined;
  readonly receipts: ErasureReceipts;

  constructor(db: SqliteDatabase, index: VectorIndex, snapshotFolder: string | undefined) {
    this.#db = db;
    this.#index = index;
    this.#snapshotFolder = snapshotFolder;
    this.receipts = new SqliteErasureReceipts(db);
  }

  async fence({ receiptId, subject, at }: { receiptId: string; subject: ErasureSubject; at: string }): Promise<void> {
    const inNamespace = scopeFilter({ namespace: subject.namespace });
    this.#db.transaction('erasure.fence', () => {
      this.#db.statement(`DELETE FROM erasure_fences WHERE until IS NOT NULL AND until <= ${NOW}`).run();
      // A running erasure of the namespace, of this user, or (erasing the namespace) of any of its users.
      const running = this.#db.statement(`SELECT user_id FROM erasure_fences WHERE ${inNamespace.sql} AND until IS NULL`).all(...inNamespace.params) as Array<{ user_id: string | null }>;
      if (running.some((fence) => fence.user_id === null || subject.userId === undefined || fence.user_id === subject.userId)) {
        throw new MemosError('E_CONFLICT', 'an erasure of this user, or of its whole namespace, is already in progress');
      }
      this.#db
        .statement('INSERT INTO erasure_fences (receipt_id, namespace, user_id, scope, started_at) VALUES (?, ?, ?, json_array(?, ?), ?)')
        .run(receiptId, subject.namespace, subject.userId ?? null, subject.namespace, subject.userId ?? null, Date.parse(at));
    });
  }

  async fenced(subject: ErasureSubject): Promise<boolean> {
    return this.#db.run('erasure.fenced', () =>
      this.#db
        .statement(`SELECT 1 FROM erasure_fences WHERE scope IN (json_array(?, NULL), json_array(?, ?)) AND (until IS NULL OR until > ${NOW})`)
        .get(subject.namespace, subject.namespace, subject.userId ?? null) !== undefined,
    );
  }

  async lift(receiptId: string, graceMs: number): Promise<void> {
    this.#db.transaction('erasure.lift', () => this.#db.statement(`UPDATE erasure_fences SET until = ${NOW} + ? WHERE receipt_id = ?`).run(Math.round(graceMs), receiptId));
  }

  async erase(subject: ErasureSubject): Promise<ErasurePass> {
    const scope = scopeFilter(subject);
    // Pages freed from now on are overwritten with zeros (until compact turns it off again).
    this.#db.run('erasure.secureDelete', (connection) => connection.pragma('secure_delete = ON'));
    const pass = this.#db.transaction('erasure.erase', () => {
      const history = this.#db
        .statement(`DELETE FROM memory_history WHERE memory_id IN (SELECT id FROM memories WHERE ${scope.sql}) RETURNING content`)
        .all(...scope.params) as Array<{ content: string }>;
      const keywordScopes = (this.#db.statement(`SELECT count(*) AS n FROM keyword_scopes WHERE ${scope.sql}`).get(...scope.params) as { n: number }).n;
      const removed = (tier: Tier) =>
        this.#db.statement(`DELETE FROM ${tier} WHERE ${scope.sql} RETURNING id, content, embedding IS NOT NULL AS vector`).all(...scope.params) as Array<{
          id: string;
          content: string;
          vector: number;
        }>;
      const memories = removed('memories');
      const episodes = removed('episodes');
      return { history, memories, episodes, keywordScopes };
    });
    // After the commit, as every writer of the index does: a rolled-back pass never shows there.
    let indexed = 0;
    for (const tier of TIERS) {
      indexed += this.#index.holds(tier, subject.namespace, new Set(pass[tier].map((row) => row.id)));
      if (subject.userId === undefined) this.#index.drop(tier, subject.namespace);
      else for (const row of pass[tier]) this.#index.remove(tier, subject.namespace, row.id);
    }
    const records = [...pass.memories, ...pass.episodes];
    return {
      removed: {
        episodes: pass.episodes.length,
        memories: pass.memories.length,
        memoryHistory: pass.history.length,
        vectors: records.filter((row) => row.vector === 1).length,
        vectorIndex: indexed,
        keywordIndex: records.length,
        keywordStatistics: pass.keywordScopes,
      },
      texts: [...records.map((row) => row.content), ...pass.history.map((row) => row.content)],
      ids: records.map((row) => row.id),
    };
  }

  async compact(subject: ErasureSubject, ids: string[]): Promise<ErasureCounts> {
    const idList = JSON.stringify(ids);
    const inNamespace = scopeFilter({ namespace: subject.namespace });
    const user = scopeFilter(subject);
    const auditLog = this.#db.transaction('erasure.audit', () => {
      // Entries keep their action, time, key and counts; the erased ids and the user leave them.
      const named = this.#db
        .statement(
          `UPDATE audit_log SET record_ids = (SELECT json_group_array(value) FROM json_each(audit_log.record_ids) WHERE value NOT IN (SELECT value FROM json_each(?)))
           WHERE ${inNamespace.sql} AND record_ids IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(audit_log.record_ids) WHERE value IN (SELECT value FROM json_each(?)))`,
        )
        .run(idList, ...inNamespace.params, idList).changes;
      const users = this.#db.statement(`UPDATE audit_log SET user_id = NULL WHERE ${user.sql} AND user_id IS NOT NULL`).run(...user.params).changes;
      return named + users;
    });
    this.#db.transaction('erasure.optimize', () => {
      for (const tier of TIERS) this.#db.statement(`INSERT INTO ${tier}_fts (${tier}_fts) VALUES ('optimize')`).run();
    });
    this.#db.run('erasure.checkpoint', (connection) => {
      connection.pragma('wal_checkpoint(TRUNCATE)');
      connection.pragma('secure_delete = OFF');
    });
    const files = this.#snapshotFiles(subject.namespace);
    for (const file of files) unlinkSync(file);
    return { auditLog, vectorSnapshots: files.length };
  }

  async verify(subject: ErasureSubject, ids: string[], before: string): Promise<ErasureCounts> {
    const scope = scopeFilter(subject);
    const inNamespace = scopeFilter({ namespace: subject.namespace });
    const idList = JSON.stringify(ids);
    const idSet = new Set(ids);
    return this.#db.run('erasure.verify', () => {
      const count = (sql: string, ...params: unknown[]) => (this.#db.statement(sql).get(...params) as { n: number }).n;
      const inTier = (tier: Tier) =>
        count(`SELECT count(*) AS n FROM ${tier} WHERE (${scope.sql}) OR id IN (SELECT value FROM json_each(?))`, ...scope.params, idList);
      const match = scopeMatch(subject);
      return {
        episodes: inTier('episodes'),
        memories: inTier('memories'),
        memoryHistory: count('SELECT count(*) AS n FROM memory_history WHERE memory_id IN (SELECT value FROM json_each(?))', idList),
        vectors:
          count(`SELECT count(*) AS n FROM episodes WHERE embedding IS NOT NULL AND ((${scope.sql}) OR id IN (SELECT value FROM json_each(?)))`, ...scope.params, idList) +
          count(`SELECT count(*) AS n FROM memories WHERE embedding IS NOT NULL AND ((${scope.sql}) OR id IN (SELECT value FROM json_each(?)))`, ...scope.params, idList),
        vectorIndex: TIERS.reduce((sum, tier) => sum + this.#index.holds(tier, subject.namespace, idSet), 0),
        keywordIndex: TIERS.reduce((sum, tier) => sum + count(`SELECT count(*) AS n FROM ${tier}_fts WHERE ${tier}_fts MATCH ?`, match), 0),
        keywordStatistics:
          count(`SELECT count(*) AS n FROM keyword_scopes WHERE ${scope.sql}`, ...scope.params) + count(`SELECT count(*) AS n FROM keyword_journal WHERE ${scope.sql}`, ...scope.params),
        auditLog:
          count(`SELECT count(*) AS n FROM audit_log WHERE ${scope.sql} AND user_id IS NOT NULL AND time < ?`, ...scope.params, Date.parse(before)) +
          count(
            `SELECT count(*) AS n FROM audit_log WHERE ${inNamespace.sql} AND time < ? AND record_ids IS NOT NULL
               AND EXISTS (SELECT 1 FROM json_each(audit_log.record_ids) WHERE value IN (SELECT value FROM json_each(?)))`,
            ...inNamespace.params,
            Date.parse(before),
            idList,
          ),
        vectorSnapshots: this.#snapshotFiles(subject.namespace).length,
      };
    });
  }

  /** The vector snapshot files (`.rows` and `.graph`) of the namespace's partitions, found by the key in each rows file's header. */
  #snapshotFiles(namespace: string): string[] {
    const folder = this.#snapshotFolder;
    if (folder === undefined) return [];
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return [];
    }
    const files: string[] = [];
    for (const name of names.filter((file) => file.endsWith('.rows'))) {
      const key = snapshotKey(join(folder, name));
      if (key === undefined || key[1] !== namespace) continue;
      const base = join(folder, name.slice(0, -'.rows'.length));
      files.push(`${base}.rows`);
      if (names.includes(`${name.slice(0, -'.rows'.length)}.graph`)) files.push(`${base}.graph`);
    }
    return files;
  }
}

/** A snapshot rows file's partition key `[tier, namespace, model, dimensions]`, from its header; undefined when unreadable. */
function snapshotKey(path: string): [string, string, string, number] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const length = Buffer.alloc(4);
    if (readSync(fd, length, 0, 4, 0) < 4) return undefined;
    const header = Buffer.alloc(length.readUInt32LE(0));
    readSync(fd, header, 0, header.length, 4);
    return JSON.parse(JSON.parse(header.toString('utf8')).key as string) as [string, string, string, number];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

class SqliteErasureReceipts implements ErasureReceipts {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async save(receipt: ErasureReceipt): Promise<void> {
    this.#db.transaction('erasure.receipt', () =>
      this.#db
        .statement('INSERT INTO erasure_receipts (id, namespace, user_id, started_at, finished_at, ok, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(receipt.receiptId, receipt.subject.namespace, receipt.subject.userId ?? null, Date.parse(receipt.startedAt), Date.parse(receipt.finishedAt), receipt.ok ? 1 : 0, JSON.stringify(receipt)),
    );
  }

  async get(ref: { namespace: string; receiptId: string; userId?: string }): Promise<ErasureReceipt | null> {
    const row = this.#db.run('erasure.receipt', () =>
      this.#db.statement(`SELECT receipt, user_id FROM erasure_receipts WHERE id = ? AND ${scopeFilter({ namespace: ref.namespace }).sql}`).get(ref.receiptId, ref.namespace) as
        | { receipt: string; user_id: string | null }
        | undefined,
    );
    if (row === undefined) return null;
    const owner = row.user_id ?? undefined;
    if (ref.userId !== undefined && owner !== ref.userId) return null;
    return JSON.parse(row.receipt) as ErasureReceipt;
  }
}

