import type { Clock } from '../../core/clock.js';
import type { IdGenerator } from '../../core/ids.js';
import type { RecordCounts, Storage } from '../../core/ports.js';
import { collapseRepeatedLogs } from '../../observability/repeated-logs.js';
import { SqliteAuditStore } from './audit-store.js';
import { SqliteDatabase } from './database.js';
import { SqliteKeyStore } from './key-store.js';
import { foldKeywordJournal } from './keyword-stats.js';
import { SqliteEpisodeStore } from './episode-store.js';
import { SqliteErasureStore } from './erasure-store.js';
import { SqliteInspectStore } from './inspect-store.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { SqliteRetentionStore } from './retention-store.js';
import { SqliteSessionStore } from './session-store.js';
import { SqliteTransferStore } from './transfer-store.js';
import { VectorIndex } from './vector-index.js';
import type { PartitionTuning } from './vector-partition.js';
import { VectorSnapshots } from './vector-snapshot.js';
import { SqliteVectorStore } from './vector-store.js';

export interface SqliteStorageOptions {
  /** The database file (its folder is created at init), or ':memory:'. */
  path: string;
  clock: Clock;
  /** Ids for the episodes that session promotion creates. */
  ids: IdGenerator;
  /** `full` (default) survives power loss; `normal` is faster and, in WAL mode, still never corrupts. */
  synchronous?: 'full' | 'normal';
  /** Bytes the in-process vector index may hold; least recently used partitions leave beyond it (default: no cap). */
  vectorIndexMaxBytes?: number;
  /** Write the vector index beside the database at close and read it back after a restart (default: true; never for ':memory:'). */
  vectorSnapshots?: boolean;
  /** When partitions use their ANN graph; tests and benches only. */
  vectorTuning?: PartitionTuning;
  logger?: { warn(object: object, message: string): void };
}

/**
 * The embedded storage driver: episodes, memories, their vectors and sessions in one SQLite file
 * (WAL, FTS5), with vectors searched in process. Does no I/O until `init()`.
 */
export function createSqliteStorage(options: SqliteStorageOptions): Storage {
  const db = new SqliteDatabase({
    path: options.path,
    synchronous: options.synchronous ?? 'full',
    clock: options.clock,
  });
  // Each write transaction folds the keyword statistics of what it wrote before it commits.
  db.beforeEachCommit(() => foldKeywordJournal(db));
  const snapshots = options.path !== ':memory:' && options.vectorSnapshots !== false ? new VectorSnapshots(options.path, db) : undefined;
  // One index shared by every store that changes vectors: put adds, content updates and deletes remove.
  const index = new VectorIndex({
    ...(options.vectorIndexMaxBytes === undefined ? {} : { maxBytes: options.vectorIndexMaxBytes }),
    ...(snapshots === undefined ? {} : { snapshots }),
    ...(options.vectorTuning === undefined ? {} : { tuning: options.vectorTuning }),
    onOversize: (key, bytes, maxBytes) =>
      options.logger?.warn(
        { tier: key.tier, namespace: key.namespace, model: key.model, dimensions: key.dimensions, bytes, maxBytes },
        'a vector index partition is larger than storage.vectorIndexMaxBytes on its own: it is kept alone, every other partition evicted; raise the cap',
      ),
  });
  // A disk that fills up fails every refresh: the first is logged with its cause, then a count per interval.
  const refreshFailures = collapseRepeatedLogs();
  const onRefreshFailed = (error: unknown) =>
    refreshFailures.log(
      'refresh',
      () => options.logger?.warn({ err: error }, 'a session read could not refresh its idle TTL; answered without refreshing it'),
      (repeated, seconds) => options.logger?.warn({ err: error, repeated, seconds }, 'a session read could not refresh its idle TTL; answered without refreshing it'),
    );
  const sessions = new SqliteSessionStore(db, options.clock, options.ids, { onRefreshFailed });
  return {
    driver: 'sqlite',
    erasure: new SqliteErasureStore(db, index, options.path === ':memory:' ? undefined : `${options.path}-vectors`),
    sessionErasure: sessions,
    episodes: new SqliteEpisodeStore(db, index),
    memories: new SqliteSemanticStore(db, options.clock, index),
    vectors: new SqliteVectorStore(db, options.clock, index),
    sessions,
    keys: new SqliteKeyStore(db),
    audit: new SqliteAuditStore(db),
    inspect: new SqliteInspectStore(db, options.clock, options.path),
    retention: new SqliteRetentionStore(db, index),
    transfer: new SqliteTransferStore(db),
    async init() {
      db.open();
      // The snapshots are read and loaded in the background: init does not wait for them.
      void index.open();
    },
    async close() {
      refreshFailures.flush();
      if (db.isOpen) {
        try {
          index.persist();
        } catch (error) {
          // The next start loads the index from the database instead: slower, never wrong.
          options.logger?.warn({ err: error }, 'the vector index could not be written beside the database; it will load from the database on next use');
        }
      }
      index.clear();
      db.close();
    },
    async ping() {
      db.run('ping', () => db.statement('SELECT 1').get());
    },
    vectorIndexUsage: () => index.usage(),
    async countRecords() {
      const now = options.clock.now();
      return db.run('countRecords', () =>
        db
          .statement(
            `SELECT (SELECT count(*) FROM sessions WHERE expires_at > ?) AS sessions, (SELECT count(*) FROM episodes) AS episodes,
               (SELECT count(*) FROM memories WHERE expires_at IS NULL OR expires_at > ?) AS memories`,
          )
          .get(now, now) as RecordCounts,
      );
    },
  };
}
