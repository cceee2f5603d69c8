// The RetentionStore contract on a real SQLite file, its keyword statistics checked against a
// recount from the rows left (the recount rolled back afterwards).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { runRetentionStoreContract } from '../retention-store.case.test.js';
import { SqliteDatabase } from './database.js';
import { SqliteEpisodeStore } from './episode-store.js';
import { backfillKeywordStats, foldKeywordJournal } from './keyword-stats.js';
import { SqliteRetentionStore } from './retention-store.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { VectorIndex } from './vector-index.js';
import { SqliteVectorStore } from './vector-store.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function statistics(path: string) {
  const raw = new Database(path);
  const read = () => ({
    scopes: raw.prepare('SELECT tier, scope_key, docs, tokens FROM keyword_scopes ORDER BY tier, scope_key').all(),
    terms: raw.prepare('SELECT s.tier, s.scope_key, k.term, k.docs FROM keyword_scopes s JOIN keyword_terms k ON s.id = k.scope ORDER BY 1, 2, 3').all(),
  });
  try {
    const stored = read();
    raw.exec('BEGIN');
    raw.exec('DELETE FROM keyword_terms; DELETE FROM keyword_scopes;');
    backfillKeywordStats(raw);
    const recounted = read();
    raw.exec('ROLLBACK');
    return { stored, recounted };
  } finally {
    raw.close();
  }
}

// Wired as createSqliteStorage wires them, so that the test can look into the shared vector index.
runRetentionStoreContract('sqlite', async () => {
  const clock = manualClock();
  const path = join(dir, `retention-${++files}.db`);
  const db = new SqliteDatabase({ path, synchronous: 'normal', clock });
  db.beforeEachCommit(() => foldKeywordJournal(db));
  const index = new VectorIndex();
  db.open();
  return {
    stores: {
      episodes: new SqliteEpisodeStore(db, index),
      memories: new SqliteSemanticStore(db, clock, index),
      vectors: new SqliteVectorStore(db, clock, index),
      retention: new SqliteRetentionStore(db, index),
    },
    clock,
    keywordStats: async () => statistics(path),
    async historyRows(memoryId) {
      const raw = new Database(path, { readonly: true });
      try {
        return raw.prepare('SELECT count(*) FROM memory_history WHERE memory_id = ?').pluck().get(memoryId) as number;
      } finally {
        raw.close();
      }
    },
    indexed: (tier, namespace, model, dimensions) => index.get({ tier, namespace, model, dimensions })?.size,
    async close() {
      index.clear();
      db.close();
    },
  };
});
