// Row-level security on PostgreSQL and on PGlite (real PostgreSQL in WASM, which has roles and
// policies too): a query run as the tenant role sees only the namespace (and user) its
// transaction declares, nothing without one, and may not write another namespace's rows.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import type { Episode, Memory } from '../../core/types.js';
import { testMemory } from '../../../test/support/records.js';
import { PgEpisodeStore } from './episode-store.js';
import { createPostgresDatabase, poolEngine, searchPathFor } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { PgDatabase } from './pg-database.js';
import { keywordMatchesFunction, SYSTEM_TABLES_WITH_NAMESPACE, TENANT_ROLE, TENANT_TABLES } from './row-security.js';
import { PgSemanticStore } from './semantic-store.js';
import type { SqlExecutor } from './sql-engine.js';
import {
  createPglite,
  dropSchema,
  freshSchema,
  pgliteDatabase,
  pgliteSchema,
  POSTGRES_URL,
  postgresReachable,
  realPostgres,
  servicesRequired,
  type TestDatabase,
} from './test-databases.js';
import { PgVectorStore } from './vector-store.js';
import { readDialect, vectorParam, vectorValue } from './vector-sql.js';

const reachable = await postgresReachable();

const T = '2026-01-01T00:00:00.000Z';
const episodeOf = (id: string, namespace: string, userId?: string): Episode => ({
  id, namespace, ...(userId ? { userId } : {}), kind: 'observation', content: `episode ${id}`, occurredAt: T, createdAt: T, metadata: {}, embedding: { status: 'pending' },
});
const memoryOf = (id: string, namespace: string, userId?: string): Memory =>
  testMemory({ id, namespace, ...(userId ? { userId } : {}), content: `memory ${id}`, createdAt: T, updatedAt: T, embedding: { status: 'pending' } });

/** Rows in every tenant table, in namespaces a and b, of users u1, u2 and none. */
async function seed(db: PgDatabase, clock: ReturnType<typeof manualClock>): Promise<void> {
  const memories = new PgSemanticStore(db, clock);
  const episodes = new PgEpisodeStore(db);
  const vectors = new PgVectorStore(db, clock);
  const ms = [memoryOf('m_a1', 'a', 'u1'), memoryOf('m_a2', 'a', 'u2'), memoryOf('m_a0', 'a'), memoryOf('m_b1', 'b', 'u1')];
  await memories.upsert(ms.map((memory) => ({ memory, contentKey: contentKey(memory.content) })));
  for (const m of ms) await memories.update({ ref: { namespace: m.namespace, id: m.id }, patch: { importance: 0.9 } });
  const es = [episodeOf('e_a1', 'a', 'u1'), episodeOf('e_a2', 'a', 'u2'), episodeOf('e_a0', 'a'), episodeOf('e_b1', 'b', 'u1')];
  await episodes.append(es);
  const vector = Float32Array.of(1, 0, 0, 0);
  await vectors.put([
    ...ms.map((m) => ({ tier: 'memories' as const, namespace: m.namespace, id: m.id, content: m.content, model: 'm', vector })),
    ...es.map((e) => ({ tier: 'episodes' as const, namespace: e.namespace, id: e.id, content: e.content, model: 'm', vector })),
  ]);
}

/** Runs `fn` as the tenant role with the given settings (none when absent), in one transaction. */
function asTenant<T>(db: PgDatabase, settings: { namespace?: string; userId?: string }, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction('test', async (tx) => {
    await tx.query(`SELECT set_config('role', $1, true)`, [TENANT_ROLE]);
    if (settings.namespace !== undefined) await tx.query(`SELECT set_config('memos.namespace', $1, true)`, [settings.namespace]);
    if (settings.userId !== undefined) await tx.query(`SELECT set_config('memos.user_id', $1, true)`, [settings.userId]);
    return fn(tx);
  });
}

/** Each tenant table's rows as (namespace, user) pairs, sorted. */
async function rowsOf(tx: SqlExecutor): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TENANT_TABLES) {
    const rows = await tx.query<{ namespace: string; user_id: string | null }>(`SELECT namespace, user_id FROM ${table}`);
    out[table] = rows.map((row) => `${row.namespace}/${row.user_id ?? '-'}`).sort();
  }
  return out;
}

const refusal = (promise: Promise<unknown>) => promise.then(() => 'written', (error: { cause?: { code?: string }; code?: string }) => error.cause?.code ?? error.code);

function rowSecurityCases(name: string, open: () => Promise<TestDatabase>): void {
  describe(`row-level security: ${name}`, () => {
    let t: TestDatabase;
    let all: Record<string, string[]>;
    beforeAll(async () => {
      t = await open();
      await seed(t.db, t.clock);
      all = await t.db.transaction('test', rowsOf);
    });
    afterAll(async () => {
      await t.close();
    });

    it('is on: every table with a namespace column is a tenant table, with row security and its policy', async () => {
      expect(t.db.rowSecurity).toBe(true);
      const withNamespace = await t.db.query<{ table_name: string }>(
        'test',
        `SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'namespace' ORDER BY 1`,
        [t.db.schema],
      );
      expect(withNamespace.map((row) => row.table_name)).toEqual([...TENANT_TABLES, ...SYSTEM_TABLES_WITH_NAMESPACE].sort());
      const secured = await t.db.query<{ relname: string; policies: number }>(
        'test',
        `SELECT c.relname, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies
          FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relrowsecurity ORDER BY 1`,
        [t.db.schema],
      );
      expect(secured).toEqual([...TENANT_TABLES].sort().map((relname) => ({ relname, policies: 1 })));
      // The seed reached every table, in both namespaces, so that what follows is not vacuous.
      for (const table of TENANT_TABLES) expect(new Set(all[table]!.map((row) => row.split('/')[0]))).toEqual(new Set(['a', 'b']));
    });

    it('a query run as the tenant role without the setting sees nothing', async () => {
      expect(await asTenant(t.db, {}, rowsOf)).toEqual(Object.fromEntries(TENANT_TABLES.map((table) => [table, []])));
      expect(await asTenant(t.db, { namespace: '' }, rowsOf)).toEqual(Object.fromEntries(TENANT_TABLES.map((table) => [table, []])));
    });

    it("with a namespace set, sees only that namespace's rows, in every tenant table", async () => {
      for (const namespace of ['a', 'b']) {
        const expected = Object.fromEntries(TENANT_TABLES.map((table) => [table, all[table]!.filter((row) => row.startsWith(`${namespace}/`))]));
        expect(await asTenant(t.db, { namespace }, rowsOf)).toEqual(expected);
      }
      expect(await asTenant(t.db, { namespace: 'c' }, rowsOf)).toEqual(Object.fromEntries(TENANT_TABLES.map((table) => [table, []])));
    });

    it("with a user set too, sees only that user's rows of that namespace", async () => {
      const seen = await asTenant(t.db, { namespace: 'a', userId: 'u1' }, rowsOf);
      for (const table of TENANT_TABLES) {
        expect(seen[table]!.length, table).toBeGreaterThan(0);
        expect(seen[table], table).toEqual(all[table]!.filter((row) => row === 'a/u1'));
      }
    });

    it('refuses a write naming another namespace or user, and a change moving a row out of the scope', async () => {
      const insert = (namespace: string, userId: string | null) => (tx: SqlExecutor) =>
        tx.query(
          `INSERT INTO episodes (namespace, id, user_id, kind, content, occurred_at, created_at) VALUES ($1, 'e_new', $2, 'observation', 'x', now(), now())`,
          [namespace, userId],
        );
      expect(await refusal(asTenant(t.db, { namespace: 'a' }, insert('b', null)))).toBe('42501');
      expect(await refusal(asTenant(t.db, {}, insert('a', null)))).toBe('42501');
      expect(await refusal(asTenant(t.db, { namespace: 'a', userId: 'u1' }, insert('a', 'u2')))).toBe('42501');
      expect(await refusal(asTenant(t.db, { namespace: 'a', userId: 'u1' }, insert('a', null)))).toBe('42501');
      expect(await refusal(asTenant(t.db, { namespace: 'a' }, (tx) => tx.query(`UPDATE memories SET namespace = 'b' WHERE id = 'm_a0'`)))).toBe('42501');
      // Another namespace's rows are simply not there to change or delete.
      expect(await asTenant(t.db, { namespace: 'a' }, (tx) => tx.query(`DELETE FROM memories WHERE namespace = 'b' RETURNING id`))).toEqual([]);
      expect(await asTenant(t.db, { namespace: 'a', userId: 'u1' }, (tx) => tx.query(`UPDATE episodes SET content = 'y' WHERE id = 'e_a2' RETURNING id`))).toEqual([]);
      // Within the scope, writes pass (and are rolled back here).
      await expect(
        asTenant(t.db, { namespace: 'a', userId: 'u1' }, async (tx) => {
          await insert('a', 'u1')(tx);
          throw new Error('roll back');
        }),
      ).rejects.toMatchObject({ cause: { message: 'roll back' } });
      expect(await t.db.transaction('test', rowsOf)).toEqual(all);
    });

    it("the keyword-match functions (the GIN index's way in under row security) return only the rows the policy shows", async () => {
      for (const table of ['episodes', 'memories'] as const) {
        const matches = (tx: SqlExecutor) =>
          tx.query<{ namespace: string; user_id: string | null }>(`SELECT namespace, user_id FROM ${keywordMatchesFunction(table)}(to_tsquery('memos_english', '${table === 'episodes' ? 'episode' : 'memory'}'))`);
        const seen = async (settings: { namespace?: string; userId?: string }) =>
          (await asTenant(t.db, settings, matches)).map((row) => `${row.namespace}/${row.user_id ?? '-'}`).sort();
        expect(await seen({})).toEqual([]);
        expect(await seen({ namespace: 'a' })).toEqual(all[table]!.filter((row) => row.startsWith('a/')));
        expect(await seen({ namespace: 'a', userId: 'u1' })).toEqual(['a/u1']);
        // The connecting role, which owns the function, gets nothing from it either without a scope.
        expect(await t.db.transaction('test', matches)).toEqual([]);
      }
    });

    // (Row security guards against a store statement that forgets its scope. It is no sandbox for
    // arbitrary SQL, which could RESET ROLE to the session's own; memOS sends none: every value is a parameter.)
    it('the tenant role has no other privilege on the schema: no system table, no DDL', async () => {
      expect(await refusal(asTenant(t.db, { namespace: 'a' }, (tx) => tx.query('SELECT * FROM storage_settings')))).toBe('42501');
      expect(await refusal(asTenant(t.db, { namespace: 'a' }, (tx) => tx.query('SELECT * FROM schema_migrations')))).toBe('42501');
      expect(await refusal(asTenant(t.db, { namespace: 'a' }, (tx) => tx.query('ALTER TABLE episodes DISABLE ROW LEVEL SECURITY')))).toBe('42501');
    });

    it('the stores read and write through it: a record of another namespace or user is missing', async () => {
      const memories = new PgSemanticStore(t.db, t.clock);
      expect(await memories.get({ namespace: 'a', id: 'm_a1', userId: 'u1' })).toMatchObject({ id: 'm_a1' });
      expect(await memories.get({ namespace: 'a', id: 'm_a2', userId: 'u1' })).toBeNull();
      expect(await memories.get({ namespace: 'b', id: 'm_a1' })).toBeNull();
      expect((await memories.list({ filter: { namespace: 'a', userId: 'u1' }, limit: 10, order: 'asc' })).items.map((m) => m.id)).toEqual(['m_a1']);
    });
  });
}

describe.runIf(servicesRequired && !reachable)('row-level security (server required)', () => {
  it('reaches PostgreSQL', () => {
    throw new Error('MEMOS_REQUIRE_SERVICES=1 but PostgreSQL is not reachable at 127.0.0.1:5432');
  });
});

describe.skipIf(!reachable)('postgres', () => {
  rowSecurityCases('postgres', () => realPostgres());

  it('upgrades a schema of version 6: history rows and vectors take their record\'s user, and the policies bind them', async () => {
    const schema = freshSchema();
    const clock = manualClock();
    const engine = () => poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 });
    const v6 = new PgDatabase({ engine: engine(), schema, clock, migrations: MIGRATIONS.filter((m) => m.version <= 6) });
    try {
      await v6.open();
      expect(v6.rowSecurity).toBe(false);
      // Rows as version 6 wrote them: history and vectors without a user of their own.
      await v6.transaction('test', async (tx) => {
        const d = await readDialect(tx);
        await tx.query(`INSERT INTO memories (namespace, id, user_id, kind, content, content_key, importance, created_at, updated_at)
          VALUES ('a', 'm_a1', 'u1', 'fact', 'one', 'k1', 0.5, now(), now()), ('a', 'm_a0', NULL, 'fact', 'zero', 'k0', 0.5, now(), now()),
            ('b', 'm_b2', 'u2', 'fact', 'two', 'k2', 0.5, now(), now())`);
        await tx.query(`INSERT INTO memory_history (namespace, memory_id, version, content, kind, importance, metadata, source_episode_ids, valid_from, valid_to, reason)
          SELECT namespace, id, 1, content, kind, importance, '{}', '{}', now(), now(), 'update' FROM memories`);
        await tx.query(`INSERT INTO episodes (namespace, id, user_id, kind, content, occurred_at, created_at) VALUES ('a', 'e_a1', 'u1', 'observation', 'e', now(), now())`);
        const vector = vectorValue(d, `'${vectorParam(d, Float32Array.of(1, 0))}'`);
        await tx.query(`INSERT INTO vectors (tier, namespace, memory_seq, model, dims, embedding) SELECT 'memories', namespace, seq, 'm', 2, ${vector} FROM memories`);
        await tx.query(`INSERT INTO vectors (tier, namespace, episode_seq, model, dims, embedding) SELECT 'episodes', namespace, seq, 'm', 2, ${vector} FROM episodes`);
      });
      await v6.close();
      const upgraded = new PgDatabase({ engine: engine(), schema, clock });
      await upgraded.open();
      expect(upgraded.rowSecurity).toBe(true);
      const after = await upgraded.transaction('test', rowsOf);
      expect(after).toEqual({ episodes: ['a/u1'], memories: ['a/-', 'a/u1', 'b/u2'], memory_history: ['a/-', 'a/u1', 'b/u2'], vectors: ['a/-', 'a/u1', 'a/u1', 'b/u2'], keyword_scope_counts: ['a/-', 'a/u1', 'a/u1', 'b/u2'] });
      expect(await asTenant(upgraded, { namespace: 'a', userId: 'u1' }, rowsOf)).toEqual({ episodes: ['a/u1'], memories: ['a/u1'], memory_history: ['a/u1'], vectors: ['a/u1', 'a/u1'], keyword_scope_counts: ['a/u1', 'a/u1'] });
      expect((await new PgSemanticStore(upgraded, clock).history({ namespace: 'b', id: 'm_b2', userId: 'u2' }))?.map((v) => v.content)).toEqual(['two']);
      await upgraded.close();
    } finally {
      await dropSchema(schema);
    }
  });

  it('leaves no setting behind on a pooled connection', async () => {
    const schema = freshSchema();
    const db = createPostgresDatabase({ url: POSTGRES_URL, schema, clock: manualClock(), poolSize: 1 });
    try {
      await db.open();
      await new PgEpisodeStore(db).get({ namespace: 'a', id: 'x', userId: 'u1' });
      await expectNoTenantLeft(db);
    } finally {
      await db.close();
      await dropSchema(schema);
    }
  });

  it('enters a scope holding quotes and backslashes as values, and leaves nothing behind when the statement fails', async () => {
    const schema = freshSchema();
    const db = createPostgresDatabase({ url: POSTGRES_URL, schema, clock: manualClock(), poolSize: 1 });
    const awkward = { namespace: "a'); RESET ROLE; --", userId: 'u\\\'1' };
    try {
      await db.open();
      const [seen] = await db.tenantQuery<{ namespace: string; user: string; role: string }>(
        awkward,
        'test',
        `SELECT current_setting('memos.namespace') AS namespace, current_setting('memos.user_id') AS user, current_user AS role`,
      );
      expect(seen).toEqual({ namespace: awkward.namespace, user: awkward.userId, role: TENANT_ROLE });
      await expect(db.tenantQuery(awkward, 'test', 'SELECT 1 / (SELECT count(*) FROM episodes WHERE id = $1)::int', ['none'])).rejects.toThrow();
      await expectNoTenantLeft(db);
    } finally {
      await db.close();
      await dropSchema(schema);
    }
  });

  describe('a connecting role that is not a superuser', () => {
    const suffix = Math.random().toString(16).slice(2, 10);
    const roles = { plain: `memos_rls_plain_${suffix}`, member: `memos_rls_member_${suffix}` };
    const urlOf = (role: string) => {
      const url = new URL(POSTGRES_URL);
      url.username = role;
      return url.toString();
    };
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    const database = new URL(POSTGRES_URL).pathname.slice(1) || 'postgres';
    beforeAll(async () => {
      for (const role of Object.values(roles)) await admin(`CREATE ROLE ${role} LOGIN; GRANT CREATE ON DATABASE "${database}" TO ${role}`);
    });
    afterAll(async () => {
      for (const role of Object.values(roles)) await admin(`DROP OWNED BY ${role} CASCADE; REVOKE CREATE ON DATABASE "${database}" FROM ${role}; DROP ROLE ${role}`);
    });

    it('fails to start with the SQL to run when it may not create or join the tenant role, and starts with row security off', async () => {
      const schema = freshSchema();
      const db = createPostgresDatabase({ url: urlOf(roles.plain), schema, clock: manualClock(), poolSize: 1 });
      const error = await db.open().then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_CONFIG' });
      const message = (error as Error).message;
      expect(message).toContain(`CREATE ROLE ${TENANT_ROLE} NOLOGIN; GRANT ${TENANT_ROLE} TO ${roles.plain};`);
      expect(message).toContain('MEMOS_DATABASE_ROW_SECURITY=false');
      const off = createPostgresDatabase({ url: urlOf(roles.plain), schema, clock: manualClock(), poolSize: 1, rowSecurity: false });
      await off.open();
      await new PgEpisodeStore(off).append([episodeOf('e_1', 'a')]);
      expect(await new PgEpisodeStore(off).get({ namespace: 'a', id: 'e_1' })).toMatchObject({ id: 'e_1' });
      await off.close();
      await dropSchema(schema);
    });

    it('starts, and is bound by the policies, once a superuser made it a member of the tenant role', async () => {
      // What an operator runs once, as the start-up message says (the role exists: earlier tests made it).
      await admin(`DO $$ BEGIN CREATE ROLE ${TENANT_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$; GRANT ${TENANT_ROLE} TO ${roles.member}`);
      const schema = freshSchema();
      const clock = manualClock();
      const db = createPostgresDatabase({ url: urlOf(roles.member), schema, clock, poolSize: 2 });
      try {
        await db.open();
        await seed(db, clock);
        expect(await new PgSemanticStore(db, clock).get({ namespace: 'a', id: 'm_a1' })).toMatchObject({ id: 'm_a1' });
        expect(await asTenant(db, { namespace: 'b' }, (tx) => tx.query<{ id: string }>('SELECT id FROM memories'))).toEqual([{ id: 'm_b1' }]);
        // As its own role it owns the tables, so the policies do not bind it: system work runs there.
        expect(await db.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM memories')).toEqual([{ n: 4 }]);
      } finally {
        await db.close();
        await dropSchema(schema);
      }
    });
  });
});

describe('pglite', () => {
  let shared: PGlite;
  beforeAll(async () => {
    shared = await createPglite();
    // The first schema migrated keeps the pgvector extension; it is never dropped here.
    await pgliteDatabase(shared, 'memos_vector_probe').db.open();
  });
  afterAll(async () => {
    await shared.close();
  });
  rowSecurityCases('pglite (pgvector)', () => pgliteSchema(shared));
});

/** The pooled connection (poolSize 1) is back to the connecting role, with no scope left set. */
async function expectNoTenantLeft(db: ReturnType<typeof createPostgresDatabase>): Promise<void> {
  const [after] = await db.query<{ role: string; namespace: string | null; user: string | null }>(
    'test',
    `SELECT current_user AS role, current_setting('memos.namespace', true) AS namespace, current_setting('memos.user_id', true) AS user`,
  );
  expect(after!.role).not.toBe(TENANT_ROLE);
  expect(after!.namespace ?? '').toBe('');
  expect(after!.user ?? '').toBe('');
}
