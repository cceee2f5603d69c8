// Proof that every statement the SQLite stores run on tenant data passes through the one scope
// filter (`scopeFilter` in filter-sql.ts), except a short list of named system statements.
//
// How: every SQL text the adapter uses is recorded, with the store operation it ran under, while
// the full store contract suites run against SQLite (episodes, memories, vectors, sessions).
// Then each recorded statement that names a tenant table is checked:
// - each reference to a table that holds a namespace (FROM, JOIN, UPDATE, DELETE FROM) has the
//   scope filter's condition on that very table (`alias.namespace = ?`) as a top-level conjunct of
//   the WHERE of its own query block, and that WHERE holds no top-level OR that could bypass it;
// - a table without a namespace of its own (history, full-text index) is reached only joined to
//   its parent row, and the parent passes the first rule;
// - an INSERT writes the namespace of the record it is given and reads no row through INTO;
// - anything else must be one of SYSTEM_OPERATIONS or SYSTEM_STATEMENTS below, each with its reason,
//   and each of those must actually have been seen (so the list cannot go stale).
// A source check completes it: no SQLite adapter file but filter-sql.ts writes a namespace or
// user condition, and there only `scopeFilter` does; so a conjunct `namespace = ?` found in a
// statement was written by the scope filter. Every table of the schema must be classified below,
// so that a new table holding tenant data cannot escape the check.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import { testMemory } from '../../../test/support/records.js';
import { ulidGenerator } from '../../core/ids.js';
import { runEpisodeStoreContract } from '../episode-store.case.test.js';
import { runInspectStoreContract } from '../inspect-store.case.test.js';
import { runSemanticStoreContract } from '../semantic-store.case.test.js';
import { runSemanticTruthContract } from '../semantic-truth.case.test.js';
import { runVectorStoreContract, type VectorStoreHarness } from '../vector-store.case.test.js';
import { runWorkingMemoryStoreContract } from '../working-memory-store.case.test.js';
import { SqliteDatabase } from './database.js';
import { createSqliteStorage } from './index.js';
import { FOLD_STATEMENTS } from './keyword-stats.js';
import { TRUTH_MIGRATION_STATEMENTS } from './truth-schema.js';

// ── Recording ───────────────────────────────────────────────────────────────

/** Operation names by SQL text: the store operation (SqliteDatabase.run) each use ran under. */
const recorded = new Map<string, Set<string>>();
const running: string[] = [];
const record = (sql: string) => {
  const text = sql.replace(/\s+/g, ' ').trim();
  const operation = running.at(-1) ?? '(outside any operation)';
  recorded.set(text, (recorded.get(text) ?? new Set()).add(operation));
};

const run = SqliteDatabase.prototype.run;
vi.spyOn(SqliteDatabase.prototype, 'run').mockImplementation(function (this: SqliteDatabase, operation: string, fn: never) {
  running.push(operation);
  try {
    return run.call(this, operation, fn);
  } finally {
    running.pop();
  }
} as typeof run);
const statement = SqliteDatabase.prototype.statement;
vi.spyOn(SqliteDatabase.prototype, 'statement').mockImplementation(function (this: SqliteDatabase, sql: string) {
  record(sql);
  return statement.call(this, sql);
});
// Direct use of the connection, bypassing the statement cache, is recorded too (migrations run here, at open).
const prepare = Database.prototype.prepare;
vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql: string) {
  record(sql);
  return prepare.call(this, sql);
} as typeof prepare);
const exec = Database.prototype.exec;
vi.spyOn(Database.prototype, 'exec').mockImplementation(function (this: Database.Database, sql: string) {
  if (running.length > 0) record(sql);
  return exec.call(this, sql);
});

// ── The tables and the exemptions ───────────────────────────────────────────

/** Tables whose rows belong to a namespace, and carry it in a `namespace` column. */
const TENANT_TABLES = ['episodes', 'memories', 'sessions', 'keyword_scopes', 'keyword_journal'];
/** Tables whose rows belong to a parent row (and so to its namespace), and the join that ties them. */
const CHILD_TABLES: Record<string, { parent: string; join: (child: string, parent: string) => string }> = {
  memory_history: { parent: 'memories', join: (child, parent) => `${parent}.id = ${child}.memory_id` },
  episodes_fts: { parent: 'episodes', join: (child, parent) => `${parent}.seq = ${child}.rowid` },
  memories_fts: { parent: 'memories', join: (child, parent) => `${parent}.seq = ${child}.rowid` },
  keyword_terms: { parent: 'keyword_scopes', join: (child, parent) => `${parent}.id = ${child}.scope` },
};
/**
 * Tables that hold no tenant data: migrations, API keys (hashes; every namespace's), the audit log (ids only, read by
 * all-namespace admins), and the vector index snapshots' tokens (a partition's key and a random token; read only at open).
 */
const SYSTEM_TABLES = ['schema_migrations', 'api_keys', 'audit_log', 'vector_snapshots', 'erasure_fences', 'erasure_receipts'];

/** Store operations that work across namespaces by design; every statement they run is exempt. */
const SYSTEM_OPERATIONS: Record<string, string> = {
  'vectors.pending': 'the embedding backfill lists what is left to embed in every namespace; only the backfill calls it',
  'vectors.progress': 'counts for the reindex progress and metrics, over every namespace; answers counts and failed ids to admins',
  'vectors.retryFailed': 'an admin action that makes every failed record pending again, in every namespace',
  countRecords: 'the record counts of the metrics, over every namespace; answers three numbers',
  'sessions.countAll': 'live sessions counted over every namespace (overall, or one count per namespace) for operators; answers numbers and namespace names',
  'inspect.namespaces': 'the namespaces operators list, each with its counts; answers numbers and namespace names, filtered to the key’s reach by the service',
  'inspect.expired': 'expired memories still stored, counted per scope through the expiry index (they are few); the adapter keeps the counts of the namespace asked for',
};

const keywordSearch = (table: string, fts: string) => ({
  [`SELECT group_concat(rowid) AS seqs FROM (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`]:
    "keyword candidates: the scope's own tokens are ANDed into the MATCH (scopeMatch), and the sequence numbers found are read back only through the scope filter",
  [`SELECT count(*) AS n FROM ${fts} WHERE ${fts} MATCH ?`]:
    "keyword statistics of a term FTS5 reads as a phrase: counted with the scope's own tokens ANDed into the MATCH (scopeMatch); one number, no row",
  [`SELECT (SELECT min(namespace) FROM ${table}) AS low, (SELECT max(namespace) FROM ${table}) AS high`]:
    "keyword search: whether the searched namespace is the only one stored, so that it needs no scope token; the answer is compared, never returned",
  'SELECT count(*) AS rows, ifnull(sum(docs), 0) AS docs FROM (SELECT docs FROM keyword_scopes WHERE tier = ? LIMIT ?)':
    "keyword search: whether the searched user's records are every record of the table (the namespace being the only one stored), so that it needs no scope token; two numbers, compared, never returned",
});
const ALL_TABLE_NAMES = [...TENANT_TABLES, ...Object.keys(CHILD_TABLES)];
const normalised = (sql: string) => sql.replace(/\s+/g, ' ').trim();
/** Single statements that work across namespaces by design, by their exact text, each with its reason. */
const SYSTEM_STATEMENTS: Record<string, string> = {
  'SELECT * FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?':
    "the sweep of expired sessions, every namespace's: each one found is promoted into its own scope and deleted through the scope filter",
  ...keywordSearch('episodes', 'episodes_fts'),
  ...keywordSearch('memories', 'memories_fts'),
  ...Object.fromEntries(
    FOLD_STATEMENTS.filter((sql) => new RegExp(`\\b(${ALL_TABLE_NAMES.join('|')})\\b`).test(sql)).map((sql) => [
      normalised(sql),
      "the keyword statistics' fold, last in each write transaction (and the backfill of migration 6): it reads the journal of what the transaction wrote, in every namespace it wrote, and updates the statistics rows it names by id",
    ]),
  ),
  ...Object.fromEntries(
    TRUTH_MIGRATION_STATEMENTS.map((sql) => [
      normalised(sql),
      "migration 12's data work, once at open: the duplicates of one identity found and united in every namespace, and the memories' keyword statistics counted again without sessions",
    ]),
  ),
};

// ── The check ───────────────────────────────────────────────────────────────

const KEYWORDS = ['WHERE', 'JOIN', 'CROSS', 'LEFT', 'INNER', 'ON', 'SET', 'ORDER', 'GROUP', 'LIMIT', 'USING', 'VALUES', 'RETURNING', 'MATCH'];
const ALL_TABLES = [...TENANT_TABLES, ...Object.keys(CHILD_TABLES)];
/** A table named after FROM, JOIN, UPDATE or INTO, with its alias (never a keyword). */
const REFERENCE = new RegExp(`\\b(FROM|JOIN|UPDATE|INTO)\\s+(${ALL_TABLES.join('|')})\\b(?:\\s+(?:AS\\s+)?(?!(?:${KEYWORDS.join('|')})\\b)([A-Za-z_]\\w*))?`, 'gi');

interface Reference {
  verb: string;
  table: string;
  /** How its columns are qualified: the alias, else nothing. */
  alias: string | undefined;
  block: number;
}

/** For each position, the index of the innermost open parenthesis around it (-1 at top level). */
function blocksOf(sql: string): number[] {
  const stack: number[] = [];
  const blocks: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] === ')') stack.pop();
    blocks.push(stack.at(-1) ?? -1);
    if (sql[i] === '(') stack.push(i);
  }
  return blocks;
}

/** Each WHERE clause: its query block and its top-level conjuncts, and whether it holds a top-level OR. */
function whereClauses(sql: string, blocks: number[]): { block: number; conjuncts: string[]; or: boolean }[] {
  const clauses: { block: number; conjuncts: string[]; or: boolean }[] = [];
  for (const match of sql.matchAll(/\bWHERE\b/gi)) {
    const start = match.index + match[0].length;
    const block = blocks[match.index]!;
    let depth = 0;
    let end = sql.length;
    const cuts = [start];
    let or = false;
    for (let i = start; i < sql.length; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')') {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      } else if (depth === 0) {
        const rest = sql.slice(i);
        if (/^ (ORDER BY|GROUP BY|LIMIT|RETURNING|UNION)\b/i.test(rest)) {
          end = i;
          break;
        }
        if (/^ AND /i.test(rest)) cuts.push(i);
        if (/^ OR /i.test(rest)) or = true;
      }
    }
    const conjuncts = cuts.map((cut, n) => sql.slice(cut === start ? cut : cut + 5, cuts[n + 1] ?? end).trim());
    clauses.push({ block, conjuncts, or });
  }
  return clauses;
}

/** Why `sql` does not pass the scope filter; empty when it does. */
function unscoped(sql: string): string[] {
  const blocks = blocksOf(sql);
  const references: Reference[] = [...sql.matchAll(REFERENCE)].map((m) => ({
    verb: m[1]!.toUpperCase(),
    table: m[2]!,
    alias: m[3],
    block: blocks[m.index]!,
  }));
  // Fail closed: a tenant table named in any other way (a comma join, a subquery form we do not parse) is refused.
  const explained = sql
    .replace(REFERENCE, ' ')
    .replace(new RegExp(`\\b(${ALL_TABLES.join('|')})\\.`, 'g'), ' ')
    .replace(new RegExp(`\\bbm25\\((${ALL_TABLES.join('|')})\\)`, 'g'), ' ')
    .replace(new RegExp(`\\b(${ALL_TABLES.join('|')}) MATCH\\b`, 'g'), ' ');
  const stray = explained.match(new RegExp(`\\b(${ALL_TABLES.join('|')})\\b`, 'g'));
  const problems = stray ? [`names ${stray.join(', ')} in a form the check does not read`] : [];

  const wheres = whereClauses(sql, blocks);
  if (wheres.some((where) => where.or)) problems.push('a WHERE holds a top-level OR');
  const scoped = (reference: Reference) => {
    const condition = `${reference.alias ? `${reference.alias}.` : ''}namespace = ?`;
    return wheres.some((where) => where.block === reference.block && where.conjuncts.includes(condition));
  };
  for (const reference of references) {
    const name = reference.alias ?? reference.table;
    if (reference.verb === 'INTO') continue; // An insert writes the namespace its record names; INTO reads no row.
    const child = CHILD_TABLES[reference.table];
    if (child) {
      const parent = references.find((r) => r.table === child.parent && r.verb !== 'INTO' && scoped(r) && sql.includes(child.join(name, r.alias ?? r.table)));
      if (!parent) problems.push(`${reference.table} is not reached through a scoped ${child.parent} row (${child.join(name, child.parent)})`);
      continue;
    }
    if (!reference.alias && references.filter((r) => r.verb !== 'INTO' && !CHILD_TABLES[r.table]).length > 1) {
      problems.push(`${reference.table} is joined without an alias, so its scope condition cannot be told apart`);
    } else if (!scoped(reference)) {
      problems.push(`${reference.verb} ${name}: no top-level \`${reference.alias ? `${reference.alias}.` : ''}namespace = ?\` from the scope filter in its WHERE`);
    }
  }
  return problems;
}

// ── The store contracts, recorded ───────────────────────────────────────────

const openStorage = async (path = ':memory:', clock = manualClock()) => {
  const storage = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
  await storage.init();
  return { storage, clock };
};

runEpisodeStoreContract('sqlite, recorded', {
  create: async () => {
    const { storage, clock } = await openStorage();
    return { store: storage.episodes, clock, close: () => storage.close() };
  },
});
runSemanticStoreContract('sqlite, recorded', {
  create: async () => {
    const { storage, clock } = await openStorage();
    return { store: storage.memories, clock, close: () => storage.close() };
  },
});
runSemanticTruthContract('sqlite, recorded', {
  create: async () => {
    const { storage, clock } = await openStorage();
    return { store: storage.memories, clock, close: () => storage.close() };
  },
});
runWorkingMemoryStoreContract('sqlite, recorded', {
  create: async () => {
    const { storage, clock } = await openStorage();
    return { store: storage.sessions, episodes: storage.episodes, clock, close: () => storage.close() };
  },
});
const dir = fileURLToPath(new URL('.', import.meta.url));
let files = 0;
async function vectorHarness(path: string, clock = manualClock()): Promise<VectorStoreHarness> {
  const { storage } = await openStorage(path, clock);
  return {
    storage,
    clock,
    close: () => storage.close(),
    reopen: async () => {
      await storage.close();
      return vectorHarness(path, clock);
    },
  };
}
const tmp = mkdtempSync(join(tmpdir(), 'memos-scope-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
runVectorStoreContract('sqlite, recorded', () => vectorHarness(join(tmp, `vectors-${++files}.db`)));
runInspectStoreContract('sqlite, recorded', async () => {
  const { storage, clock } = await openStorage(join(tmp, `inspect-${++files}.db`));
  return { inspect: storage.inspect!, episodes: storage.episodes, memories: storage.memories, clock, engine: 'sqlite', close: () => storage.close() };
});

describe('every SQLite store statement on tenant data passes through the scope filter', () => {
  it('counts records (the metrics path) once, so that it is recorded too', async () => {
    const { storage } = await openStorage();
    expect(await storage.countRecords!()).toEqual({ sessions: 0, episodes: 0, memories: 0 });
    await storage.close();
  });

  it('searches memories with a term FTS5 reads as a phrase, so that its count is recorded too', async () => {
    const { storage } = await openStorage();
    const [outcome] = await storage.memories.upsert([
      { memory: testMemory({ id: 'mem_phrase', namespace: 'ns1', content: 'Send the e-mail today' }), contentKey: contentKey('Send the e-mail today') },
    ]);
    const hits = await storage.memories.search({ filter: { namespace: 'ns1' }, terms: ['e-mail'], limit: 10 });
    expect(hits.map((hit) => hit.item.id)).toEqual([outcome!.memory.id]);
    await storage.close();
  });

  it('knows every table of the schema: tenant, child of a tenant row, or system', async () => {
    const { storage } = await openStorage(join(tmp, 'schema.db'));
    await storage.close();
    const raw = new Database(join(tmp, 'schema.db'), { readonly: true });
    const tables = raw
      .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .pluck()
      .all()
      // FTS5 keeps its index in shadow tables named after it, reached only through it.
      .filter((name) => !/_fts_(data|idx|content|docsize|config)$/.test(name));
    raw.close();
    expect(tables.filter((name) => ![...TENANT_TABLES, ...Object.keys(CHILD_TABLES), ...SYSTEM_TABLES].includes(name))).toEqual([]);
  });

  it('checks each recorded statement: scoped, an insert, or a named system statement', () => {
    const failures: string[] = [];
    const exemptionsUsed = new Set<string>();
    let checked = 0;
    for (const [sql, operations] of recorded) {
      if (!new RegExp(`\\b(${ALL_TABLES.join('|')})\\b`).test(sql)) continue;
      for (const operation of operations) {
        if (operation === '(outside any operation)' && /^(CREATE|INSERT INTO schema_migrations|SELECT version FROM schema_migrations)/.test(sql)) continue; // migrations at open
        if (SYSTEM_OPERATIONS[operation] !== undefined) {
          exemptionsUsed.add(operation);
          continue;
        }
        if (SYSTEM_STATEMENTS[sql] !== undefined) {
          exemptionsUsed.add(sql);
          continue;
        }
        checked += 1;
        const problems = unscoped(sql);
        if (problems.length > 0) failures.push(`${operation}: ${sql}\n    ${problems.join('\n    ')}`);
      }
    }
    expect(failures).toEqual([]);
    // Not vacuous: every statement shape of the stores was seen, and every exemption was needed.
    expect(checked).toBeGreaterThan(40);
    expect([...Object.keys(SYSTEM_OPERATIONS), ...Object.keys(SYSTEM_STATEMENTS)].filter((name) => !exemptionsUsed.has(name))).toEqual([]);
  });

  it('saw every store operation run', () => {
    const seen = new Set([...recorded.values()].flatMap((operations) => [...operations]));
    const operations = [
      ...['append', 'get', 'list', 'delete', 'search', 'neighbours'].map((op) => `episodes.${op}`),
      ...['upsert', 'get', 'list', 'update', 'delete', 'history', 'search', 'retract', 'supersede', 'noteConflicts'].map((op) => `memories.${op}`),
      ...['search', 'nearestMemories', 'put', 'pending', 'progress', 'fail', 'retryFailed'].map((op) => `vectors.${op}`),
      ...['put', 'get', 'touch', 'append', 'delete', 'sweep'].map((op) => `sessions.${op}`),
      'countRecords',
    ];
    expect(operations.filter((operation) => !seen.has(operation))).toEqual([]);
  });

  it('the check itself refuses what it must: no scope, a scope another table carries, an OR around it, an unparsed form', () => {
    expect(unscoped('SELECT * FROM episodes WHERE namespace = ? AND id = ?')).toEqual([]);
    expect(unscoped('SELECT * FROM episodes WHERE id = ?')).not.toEqual([]);
    expect(unscoped('SELECT * FROM episodes WHERE id = ? OR namespace = ?')).not.toEqual([]);
    expect(unscoped('SELECT * FROM episodes WHERE (namespace = ? OR 1) AND id = ?')).not.toEqual([]);
    expect(unscoped('SELECT t.* FROM episodes t JOIN memories m ON m.id = t.id WHERE m.namespace = ?')).not.toEqual([]);
    expect(unscoped('SELECT * FROM episodes WHERE id IN (SELECT id FROM memories WHERE namespace = ?)')).not.toEqual([]);
    expect(unscoped('SELECT * FROM sessions, episodes WHERE sessions.namespace = ?')).not.toEqual([]);
    expect(unscoped('SELECT h.* FROM memory_history h WHERE h.memory_id = ?')).not.toEqual([]);
    expect(unscoped('SELECT h.* FROM memory_history h JOIN memories m ON m.id = h.memory_id WHERE m.namespace = ? AND h.memory_id = ?')).toEqual([]);
  });

  it('no SQLite adapter file but filter-sql.ts writes a namespace or user condition, and there only scopeFilter does', () => {
    // A SQL condition on either column: `namespace = ?`, `${col('user_id')} = ?`, `namespace IN (…)`, `namespace IS ?` …
    // (`user_id = excluded.user_id` in an upsert's SET is an assignment, not a condition; so is
    // `user_id = NULL`, the erasure's scrub of the audit log, which as a condition is never true.)
    const condition = /\b(namespace|user_id)['`)}\]]*\s*(=(?!=|\s*excluded\.|\s*NULL\b)|!=|<>|\bIN\b|\bLIKE\b|\bGLOB\b)|\bnamespace['`)}\]]*\s+IS\b/gi;
    const sources = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    const offenders = sources.flatMap((file) =>
      file === 'filter-sql.ts' ? [] : [...readFileSync(join(dir, file), 'utf8').matchAll(condition)].map((match) => `${file}: ${match[0]}`),
    );
    expect(offenders).toEqual([]);
    const filterSql = readFileSync(join(dir, 'filter-sql.ts'), 'utf8');
    const start = filterSql.indexOf('export function scopeFilter(');
    const end = filterSql.indexOf('\n}\n', start);
    const outside = [...filterSql.matchAll(condition)].filter((match) => match.index < start || match.index > end);
    expect(outside.map((match) => match[0])).toEqual([]);
  });
});
