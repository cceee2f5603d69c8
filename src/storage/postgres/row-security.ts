// Row-level security: the boundary PostgreSQL itself enforces between tenants. Every table that
// holds tenant data has a policy that shows and accepts only the rows of the namespace (and, when
// one is set, the user) that the transaction declares, and every store call that works in one
// namespace runs as a role subject to it (PgDatabase.tenant):
//
//   BEGIN; SELECT set_config('role', 'memos_tenant', true),
//          set_config('memos.namespace', '<namespace>', true), set_config('memos.user_id', '<user>', true)
//
// at the start of its transaction (as PostgREST does; the values escaped literals, so that it
// travels with BEGIN in one simple query, and a one-statement call sends its statement and COMMIT
// with them too), all three undone at COMMIT or ROLLBACK, so that nothing leaks to the next user
// of a pooled connection. A query run without the settings
// sees no row, and an INSERT or UPDATE naming another namespace is refused.
//
// What it guards against: a store statement that forgets or mistakes its scope. It is no sandbox
// for arbitrary SQL, which could RESET ROLE back to the connecting role; memOS sends none (every
// value is a bound parameter).
//
// Superusers and table owners are not subject to row-level security (the tables are not FORCEd),
// which is what lets the connecting role do the work that spans namespaces by design: migrations,
// the embedding backlog and its leases, the record counts of the metrics (see PgDatabase.system).

import pg from 'pg';
import { MemosError } from '../../core/errors.js';
import type { SqlExecutor } from './sql-engine.js';

/**
 * Every table that holds tenant data: each has `namespace` and `user_id` columns and the policy
 * below. A migration that adds such a table must add it here and call `protectTable` for it (a
 * test checks that every table of the schema with a `namespace` column is protected).
 */
export const TENANT_TABLES = ['episodes', 'memories', 'memory_history', 'vectors', 'keyword_scope_counts'] as const;

/**
 * Tables with a namespace column that hold no tenant data, so no policy: the audit log, which
 * memOS writes itself (as the connecting role, last in a request's transaction) and which only an
 * admin key that reaches every namespace may read.
 */
export const SYSTEM_TABLES_WITH_NAMESPACE = ['audit_log', 'erasure_fences', 'erasure_receipts'] as const;

/** The migration that brings the policies. */
export const ROW_SECURITY_VERSION = 9;

/** The role tenant transactions switch to: NOLOGIN, no privilege beyond reading and writing the tenant tables. */
export const TENANT_ROLE = 'memos_tenant';

/** Whose rows a tenant transaction may see and write: one namespace, and one user when `userId` is set. */
export interface TenantScope {
  namespace: string;
  userId?: string | undefined;
}

/** The policy's condition: the transaction's namespace, and its user unless none is set. */
const IN_SCOPE = `namespace = (nullif(current_setting('memos.namespace', true), '') COLLATE "C")
    AND (coalesce(current_setting('memos.user_id', true), '') = '' OR user_id = (current_setting('memos.user_id', true) COLLATE "C"))`;

/** Turns row-level security on for `table`, with the tenant policy for every command (USING and WITH CHECK). */
export async function protectTable(tx: SqlExecutor, table: string): Promise<void> {
  await tx.exec(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON ${table} USING (${IN_SCOPE}) WITH CHECK (${IN_SCOPE});`);
}

// History rows and vectors carry the user of their record, so that the same policy applies to
// them; a record's user never changes, so the copy never goes stale.
const USER_COPIES = `
ALTER TABLE memory_history ADD COLUMN user_id text COLLATE "C";
UPDATE memory_history h SET user_id = m.user_id FROM memories m
  WHERE m.namespace = h.namespace AND m.id = h.memory_id AND m.user_id IS NOT NULL;
ALTER TABLE vectors ADD COLUMN user_id text COLLATE "C";
UPDATE vectors v SET user_id = m.user_id FROM memories m WHERE v.memory_seq = m.seq AND m.user_id IS NOT NULL;
UPDATE vectors v SET user_id = e.user_id FROM episodes e WHERE v.episode_seq = e.seq AND e.user_id IS NOT NULL;`;

/**
 * Keyword matches through the GIN index, within the transaction's scope. Under row-level security
 * PostgreSQL applies a policy before any condition whose operator is not LEAKPROOF, and the
 * full-text match `@@` is not: the GIN index could no longer be used, and every keyword search
 * would read its whole namespace. These functions run as the tables' owner (SECURITY DEFINER, so
 * the index is usable) and apply exactly the policy's condition themselves: they return the rows
 * matching `query` that the policy would show, and none without the setting. Only the tenant role
 * may call them.
 */
const keywordMatches = (table: 'episodes' | 'memories') => `
CREATE FUNCTION ${keywordMatchesFunction(table)}(query tsquery) RETURNS SETOF ${table}
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT ROWS 100 AS $$
  SELECT * FROM ${table} WHERE ${IN_SCOPE} AND search @@ query
$$;
REVOKE ALL ON FUNCTION ${keywordMatchesFunction(table)}(tsquery) FROM PUBLIC;`;

/**
 * The vectors sharing a band key with a query (vector-sketch.ts), through the GIN index, within
 * the transaction's scope: `&&` is not LEAKPROOF either, so under the policy the index could not
 * be used; like `keywordMatches`, this runs as the owner and applies the policy's condition itself.
 * Sequential scans are off inside it: the planner prices the GIN lookup of 24 keys above a scan of
 * a small table, which then costs ~4 µs a row (measured 7–36 ms at 2,000 vectors against 0.12 ms).
 */
export const VECTOR_CANDIDATES = `
CREATE FUNCTION memos_vector_candidates(keys integer[]) RETURNS SETOF vectors
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT SET enable_seqscan = off ROWS 100 AS $$
  SELECT * FROM vectors WHERE ${IN_SCOPE} AND bands && keys
$$;
REVOKE ALL ON FUNCTION memos_vector_candidates(integer[]) FROM PUBLIC;`;
export const VECTOR_CANDIDATES_FUNCTION = 'memos_vector_candidates';

/** The keyword-match function of a table (see `keywordMatches`). */
export const keywordMatchesFunction = (table: 'episodes' | 'memories') => `memos_keyword_matches_${table}`;

// The policy reads `user_id` from every row it checks. Keyword search counts its scope's rows and
// their lengths from the timeline indexes alone (an index-only scan); with the user in them too,
// it still does under the policy, instead of reading every row of the namespace from the table.
const TIMELINES_WITH_USER = `
DROP INDEX episodes_timeline;
CREATE INDEX episodes_timeline ON episodes (namespace, occurred_at, id) INCLUDE (search_length, user_id);
DROP INDEX memories_timeline;
CREATE INDEX memories_timeline ON memories (namespace, created_at, id) INCLUDE (search_length, expires_at, user_id);`;

/**
 * Migration 9: the user copies, the timeline indexes with the user, the policy on every tenant
 * table and the keyword-match functions. The role is the start's business (`ensureTenantRole`).
 */
export async function rowSecurityMigration(tx: SqlExecutor): Promise<void> {
  await tx.exec(USER_COPIES + TIMELINES_WITH_USER);
  // The tenant tables of that time; later ones are protected by the migration that adds them.
  for (const table of ['episodes', 'memories', 'memory_history', 'vectors']) await protectTable(tx, table);
  await tx.exec(keywordMatches('episodes') + keywordMatches('memories'));
}

/**
 * The settings a tenant transaction starts with, values inlined as escaped literals: the statement
 * travels with BEGIN in one simple query (which takes no parameters). Local to the transaction.
 */
export const enterScopeSql = (scope: TenantScope) =>
  `SELECT set_config('role', ${pg.escapeLiteral(TENANT_ROLE)}, true), set_config('memos.namespace', ${pg.escapeLiteral(scope.namespace)}, true), set_config('memos.user_id', ${pg.escapeLiteral(scope.userId ?? '')}, true)`;
/** Moves a tenant transaction to another scope (a batch that spans namespaces writes each in its own). */
export const RESCOPE = `SELECT set_config('memos.namespace', $1, true), set_config('memos.user_id', $2, true)`;

/**
 * Makes sure the tenant role exists, may use the schema and its tenant tables, and may be taken on
 * by the connecting role; run at every start with row security on, in the migrations' transaction.
 * Done at start rather than in a migration so that it follows the setting (which may be turned on
 * later) and covers tenant tables that later migrations add. The role is shared by every memOS
 * schema of the cluster; creating it is serialised by an advisory lock, and a concurrent creator
 * that took no lock is tolerated.
 */
export async function ensureTenantRole(tx: SqlExecutor, schema: string): Promise<void> {
  const [me] = await tx.query<{ name: string; superuser: boolean; member: boolean | null }>(
    `SELECT current_user AS name, r.rolsuper AS superuser,
       (SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = $1) AS member
     FROM pg_roles r WHERE r.rolname = current_user`,
    [TENANT_ROLE],
  );
  const user = me?.name ?? 'the connecting role';
  try {
    await savepoint(tx, 'tenant_role', async () => {
      if (me?.member === null || me?.member === undefined) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['memos:tenant-role']);
        const [exists] = await tx.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [TENANT_ROLE]);
        if (!exists) await tolerateDuplicate(tx, `CREATE ROLE ${TENANT_ROLE} NOLOGIN`);
      }
      if (!me?.superuser && !me?.member) await tolerateDuplicate(tx, `GRANT ${TENANT_ROLE} TO CURRENT_USER`);
      // The tenant tables the schema has (tests keep schemas at earlier versions).
      const tables = (await tx.query<{ name: string }>('SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL', [[...TENANT_TABLES]])).map((row) => row.name);
      await tx.exec(`GRANT USAGE ON SCHEMA ${schema} TO ${TENANT_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables.join(', ')} TO ${TENANT_ROLE};
GRANT EXECUTE ON FUNCTION ${keywordMatchesFunction('episodes')}(tsquery), ${keywordMatchesFunction('memories')}(tsquery) TO ${TENANT_ROLE};`);
      // Migration 10's function, when the schema has it (tests keep schemas at earlier versions).
      const [candidates] = await tx.query<{ fn: string | null }>(`SELECT to_regprocedure($1)::text AS fn`, [`${VECTOR_CANDIDATES_FUNCTION}(integer[])`]);
      if (candidates?.fn) await tx.exec(`GRANT EXECUTE ON FUNCTION ${VECTOR_CANDIDATES_FUNCTION}(integer[]) TO ${TENANT_ROLE};`);
    });
  } catch (error) {
    if (sqlState(error) !== '42501') throw error;
    throw new MemosError(
      'E_CONFIG',
      `postgres: row-level security needs the role ${TENANT_ROLE}, which ${user} may not create, join or grant to. ` +
        `Run once as a superuser: CREATE ROLE ${TENANT_ROLE} NOLOGIN; GRANT ${TENANT_ROLE} TO ${user}; ` +
        `then start again (${user} must own the schema ${schema}). Or turn row-level security off with MEMOS_DATABASE_ROW_SECURITY=false (storage.rowSecurity)`,
      { cause: error },
    );
  }
}

/** Runs `fn` in a savepoint, so that an expected failure leaves the transaction usable. */
async function savepoint(tx: SqlExecutor, name: string, fn: () => Promise<void>): Promise<void> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

/** Runs a statement that another process may have run first: duplicate_object and unique_violation mean it has. */
async function tolerateDuplicate(tx: SqlExecutor, sql: string): Promise<void> {
  await tx.query('SAVEPOINT duplicate');
  try {
    await tx.query(sql);
    await tx.query('RELEASE SAVEPOINT duplicate');
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT duplicate');
    if (!['42710', '23505'].includes(sqlState(error) ?? '')) throw error;
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The items of a batch by namespace, in the order each namespace first appears (items keep their order). */
export function byNamespace<T>(items: readonly T[], namespaceOf: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const namespace = namespaceOf(item);
    const group = groups.get(namespace);
    if (group) group.push(item);
    else groups.set(namespace, [item]);
  }
  return [...groups];
}
