// FTS5's own reading of a few texts: the tokens of each query term, and the token counts and
// positions of candidate records, from a scratch FTS5 table (per connection, in the temp schema,
// with the tokenizer of memories_fts and episodes_fts) read back through fts5vocab. A term is thus
// exactly what FTS5 indexes and matches, stemming and folding included, with no tokenizer of our own.

import type { RecordFilter } from '../../core/types.js';
import type { Connection, SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';

const PROBE = `
CREATE VIRTUAL TABLE IF NOT EXISTS temp.keyword_probe USING fts5(content, content = '', tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS temp.keyword_probe_terms USING fts5vocab(temp, keyword_probe, instance);`;
const ready = new WeakSet<Connection>();

export interface Probe {
  /** Per query term, in order: its tokens (one for a word; several when FTS5 reads a phrase; none for punctuation). */
  tokens: string[][];
  /** Per candidate: its length in tokens, as FTS5 counts it. */
  lengths: Map<number, number>;
  /** How often a candidate holds the term made of `tokens` (a phrase: its tokens in a row). */
  frequency(seq: number, tokens: string[]): number;
}

/** Tokenizes `terms` and the `seqs` records of `table` (within the filter's namespace and user) with FTS5's tokenizer. */
export function probeTerms(db: SqliteDatabase, table: 'episodes' | 'memories', filter: RecordFilter, terms: string[], seqs: number[]): Probe {
  return db.run(`${table}.search`, (connection) => {
    if (!ready.has(connection)) {
      connection.exec(PROBE);
      ready.add(connection);
    }
    const scope = scopeFilter({ namespace: filter.namespace, userId: filter.userId }, 't');
    try {
      // Terms take rowids below zero, records their own sequence numbers.
      const insert = db.statement('INSERT INTO temp.keyword_probe (rowid, content) VALUES (?, ?)');
      terms.forEach((term, n) => insert.run(-1 - n, term));
      const within = `${scope.sql} AND t.seq IN (${seqs.map(() => '?').join(', ')})`;
      db.statement(`INSERT INTO temp.keyword_probe (rowid, content) SELECT t.seq, t.content FROM ${table} t WHERE ${within}`).run(...scope.params, ...seqs);
      const termRows = db.statement('SELECT doc, term, "offset" AS at FROM temp.keyword_probe_terms WHERE doc < 0 ORDER BY doc DESC, "offset"').all() as Row[];
      const tokens: string[][] = terms.map(() => []);
      for (const row of termRows) tokens[-1 - row.doc]!.push(row.term);
      const lengths = new Map<number, number>();
      for (const row of db.statement('SELECT doc, count(*) AS n FROM temp.keyword_probe_terms WHERE doc >= 0 GROUP BY doc').all() as { doc: number; n: number }[]) {
        lengths.set(row.doc, row.n);
      }
      const wanted = [...new Set(tokens.flat())];
      // Positions of each wanted token in each candidate: `${seq} ${token}` → offsets.
      const positions = new Map<string, number[]>();
      if (wanted.length > 0) {
        const rows = db
          .statement(`SELECT doc, term, "offset" AS at FROM temp.keyword_probe_terms WHERE term IN (${wanted.map(() => '?').join(', ')}) AND doc >= 0`)
          .all(...wanted) as Row[];
        for (const row of rows) {
          const key = `${row.doc} ${row.term}`;
          const list = positions.get(key);
          if (list) list.push(row.at);
          else positions.set(key, [row.at]);
        }
      }
      return { tokens, lengths, frequency: (seq, phrase) => frequency(positions, seq, phrase) };
    } finally {
      db.statement(`INSERT INTO temp.keyword_probe (keyword_probe) VALUES ('delete-all')`).run();
    }
  });
}

interface Row {
  doc: number;
  term: string;
  at: number;
}

/** Occurrences of `phrase` in record `seq`: of its only token, or of its tokens at consecutive offsets. */
function frequency(positions: Map<string, number[]>, seq: number, phrase: string[]): number {
  if (phrase.length === 0) return 0;
  const first = positions.get(`${seq} ${phrase[0]}`);
  if (!first) return 0;
  if (phrase.length === 1) return first.length;
  const rest = phrase.slice(1).map((token) => new Set(positions.get(`${seq} ${token}`) ?? []));
  return first.filter((at) => rest.every((set, n) => set.has(at + n + 1))).length;
}
