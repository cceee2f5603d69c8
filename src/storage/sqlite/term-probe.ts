// FTS5's own reading of a few texts: a scratch FTS5 table per connection (temp schema, the
// tokenizer of memories_fts and episodes_fts, no stored text) read back through fts5vocab. The
// keyword statistics count a write's terms here, and a search reads here the tokens of its query
// terms and the term frequencies and lengths of its candidates, so that a term is exactly what
// FTS5 indexes and matches, stemming and folding included, with no tokenizer of our own.

import type { Connection, Statement } from './database.js';
import { TOKENIZER } from './keyword-stats-schema.js';

/** What the probe needs of a connection: the connection itself, and (cached) statements on it. */
export interface Sql {
  connection: Connection;
  statement(sql: string): Statement;
}

const ready = new WeakSet<Connection>();

/** Creates the scratch table and its two views (per record and term; per term) once per connection. */
export function ensureProbe(sql: Sql): void {
  if (ready.has(sql.connection)) return;
  sql.connection.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.keyword_probe USING fts5(content, content = '', ${TOKENIZER});
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.keyword_probe_terms USING fts5vocab(temp, keyword_probe, instance);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.keyword_probe_rows USING fts5vocab(temp, keyword_probe, row);`);
  ready.add(sql.connection);
}

/** Empties the scratch table. */
export function clearProbe(sql: Sql): void {
  sql.statement(`INSERT INTO temp.keyword_probe (keyword_probe) VALUES ('delete-all')`).run();
}

/** FTS5's reading of candidate records: their lengths, and how often each holds a query term. */
export interface Probe {
  /** Per record: its length in tokens, as FTS5 counts it. */
  lengths: Map<number, number>;
  /** How often record `seq` holds the term made of `tokens` (a phrase: its tokens in a row). */
  frequency(seq: number, tokens: string[]): number;
}

interface Instance {
  doc: number;
  term: string;
  at: number;
}

/** Tokens of terms already read: FTS5's tokenizer is fixed, so a term always reads the same. */
const tokenCache = new Map<string, string[]>();
const TOKEN_CACHE_SIZE = 10_000;

/** Per term, in order: its tokens (one for a word; several when FTS5 reads a phrase; none for punctuation). */
export function tokenizeTerms(sql: Sql, terms: string[]): string[][] {
  const unknown = [...new Set(terms.filter((term) => !tokenCache.has(term)))];
  if (unknown.length > 0) {
    ensureProbe(sql);
    try {
      const insert = sql.statement('INSERT INTO temp.keyword_probe (rowid, content) VALUES (?, ?)');
      unknown.forEach((term, n) => insert.run(n, term));
      const tokens: string[][] = unknown.map(() => []);
      for (const row of sql.statement('SELECT doc, term, "offset" AS at FROM temp.keyword_probe_terms ORDER BY doc, "offset"').all() as Instance[]) {
        tokens[row.doc]!.push(row.term);
      }
      if (tokenCache.size + unknown.length > TOKEN_CACHE_SIZE) tokenCache.clear();
      unknown.forEach((term, n) => tokenCache.set(term, tokens[n]!));
    } finally {
      clearProbe(sql);
    }
  }
  return terms.map((term) => tokenCache.get(term) ?? []);
}

/**
 * Tokenizes the records whose text `load` inserts into temp.keyword_probe (under their sequence
 * numbers) with FTS5's tokenizer, keeping the positions of the `wanted` tokens.
 */
export function probeRecords(sql: Sql, wanted: string[], load: () => void): Probe {
  ensureProbe(sql);
  try {
    load();
    const lengths = new Map<number, number>();
    for (const [doc, size] of sql.statement('SELECT id, sz FROM temp.keyword_probe_docsize').raw().all() as [number, Buffer][]) {
      lengths.set(doc, firstVarint(size));
    }
    // Positions of each wanted token in each record: token → seq → offsets.
    const positions = new Map<string, Map<number, number[]>>();
    if (wanted.length > 0) {
      const rows = sql
        .statement(`SELECT doc, term, "offset" FROM temp.keyword_probe_terms WHERE term IN (${wanted.map(() => '?').join(', ')})`)
        .raw()
        .all(...wanted) as [number, string, number][];
      for (const [doc, term, at] of rows) {
        let records = positions.get(term);
        if (!records) positions.set(term, (records = new Map()));
        const list = records.get(doc);
        if (list) list.push(at);
        else records.set(doc, [at]);
      }
    }
    return { lengths, frequency: (seq, phrase) => frequency(positions, seq, phrase) };
  } finally {
    clearProbe(sql);
  }
}

/** The length in tokens of all the scratch table holds: its records' lengths summed (quicker than summing its terms through fts5vocab). */
export function probeLength(sql: Sql): number {
  let total = 0;
  for (const size of sql.statement('SELECT sz FROM temp.keyword_probe_docsize').pluck().all() as Buffer[]) total += firstVarint(size);
  return total;
}

/** FTS5's %_docsize holds one varint per column (SQLite's encoding: 7 bits a byte, high bit set while more follow); the probe has one. */
function firstVarint(bytes: Buffer): number {
  let value = 0;
  for (let i = 0; i < Math.min(bytes.length, 8); i++) {
    const byte = bytes[i]!;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) break;
  }
  return value;
}

/** Occurrences of `phrase` in record `seq`: of its only token, or of its tokens at consecutive offsets. */
function frequency(positions: Map<string, Map<number, number[]>>, seq: number, phrase: string[]): number {
  if (phrase.length === 0) return 0;
  const first = positions.get(phrase[0]!)?.get(seq);
  if (!first) return 0;
  if (phrase.length === 1) return first.length;
  const rest = phrase.slice(1).map((token) => new Set(positions.get(token)?.get(seq) ?? []));
  return first.filter((at) => rest.every((set, n) => set.has(at + n + 1))).length;
}
