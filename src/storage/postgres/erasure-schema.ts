// Migration 13: verified erasure (erasure-store.ts). A fence per erasure in progress, which a
// BEFORE INSERT trigger on episodes and memories reads on every replica: an insert in a fenced
// scope (the namespace, and the user unless user_id is NULL; until `until`, NULL while it runs) fails with SQLSTATE ME001, which
// pg-errors.ts answers as E_CONFLICT. The function runs as its owner (SECURITY DEFINER), so that
// tenant transactions, which may not read the fences table, are checked all the same. Receipts are
// kept beside the audit log, as JSON holding counts and ids, never text. Both are system tables,
// written by memOS as the connecting role (row-security.ts SYSTEM_TABLES_WITH_NAMESPACE).

import { ERASURE_FENCE_MESSAGE, ERASURE_FENCE_SQLSTATE } from '../erasure-fence.js';
import type { SqlExecutor } from './sql-engine.js';

const fenceTrigger = (table: 'episodes' | 'memories') => `
CREATE TRIGGER ${table}_erasure_fence BEFORE INSERT ON ${table}
  FOR EACH ROW EXECUTE FUNCTION memos_erasure_fence();`;

const ERASURE = `
CREATE TABLE erasure_fences (
  receipt_id text COLLATE "C" PRIMARY KEY,
  namespace text COLLATE "C" NOT NULL,
  user_id text COLLATE "C",
  started_at timestamptz NOT NULL,
  until timestamptz
);
CREATE INDEX erasure_fences_scope ON erasure_fences (namespace, user_id);
CREATE TABLE erasure_receipts (
  id text COLLATE "C" PRIMARY KEY,
  namespace text COLLATE "C" NOT NULL,
  user_id text COLLATE "C",
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  ok boolean NOT NULL,
  receipt jsonb NOT NULL
);
CREATE INDEX erasure_receipts_namespace ON erasure_receipts (namespace, started_at);
CREATE FUNCTION memos_erasure_fence() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM erasure_fences f WHERE f.namespace = NEW.namespace AND (f.user_id IS NULL OR f.user_id = NEW.user_id)
      AND (f.until IS NULL OR f.until > clock_timestamp())) THEN
    RAISE EXCEPTION USING ERRCODE = '${ERASURE_FENCE_SQLSTATE}', MESSAGE = '${ERASURE_FENCE_MESSAGE}';
  END IF;
  RETURN NEW;
END $$;
${fenceTrigger('episodes')}
${fenceTrigger('memories')}`;

export async function erasureMigration(tx: SqlExecutor): Promise<void> {
  await tx.exec(ERASURE);
}
