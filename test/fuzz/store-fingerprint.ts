// What a memOS has stored, condensed: any write (a record created, changed, merged, deleted, a
// session created or replaced) changes it. Read straight from the engines, beside memOS, so that
// reading changes nothing (no TTL refresh, no cache) and one query covers every namespace.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { SessionKey } from '../../src/core/ports.js';
import { connectTestRedis } from '../../src/storage/redis/test-redis.js';
import type { TestMemos } from '../support/test-memos.js';

export interface StoreFingerprint {
  /** Counts and sums over every tier, and the state of one session when a request names it. */
  read(session?: SessionKey): Promise<string>;
  close(): Promise<void>;
}

const DURABLE = `SELECT
  (SELECT count(*) FROM episodes) AS episodes,
  (SELECT count(*) FROM memories) AS memories,
  (SELECT coalesce(sum(version), 0) FROM memories) AS versions,
  (SELECT count(*) FROM memory_history) AS history`;

export async function storeFingerprint(memos: TestMemos): Promise<StoreFingerprint> {
  const readSession = async (key: SessionKey | undefined) => {
    if (key === undefined) return '';
    const session = await memos.storage.sessions.get(key).catch((error: { code?: string }) => ({ error: error.code }));
    return JSON.stringify(session === null ? null : 'error' in session ? session : [session.updatedAt, session.messages.length, session.state, session.summary ?? null]);
  };
  const storage = memos.config.storage;
  if (storage.driver === 'sqlite') {
    const db = new Database(join(memos.dataDir, 'memos.db'), { readonly: true, fileMustExist: true });
    const query = db.prepare(`${DURABLE}, (SELECT count(*) FROM sessions) AS sessions, (SELECT coalesce(max(updated_at), 0) FROM sessions) AS touched`);
    return {
      read: async (session) => `${JSON.stringify(query.get())} ${await readSession(session)}`,
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: storage.url });
  await client.connect();
  // The schema name is a plain identifier: config allows nothing else.
  await client.query(`SET search_path TO ${storage.schema}`);
  const redis = await connectTestRedis();
  if (!('client' in redis)) throw new Error(redis.reason);
  const deadlines = `${memos.config.redis.keyPrefix}memos-sessions:deadlines`;
  return {
    async read(session) {
      const [{ rows }, sessions] = await Promise.all([client.query(DURABLE), redis.client.zcard(deadlines)]);
      return `${JSON.stringify({ ...rows[0], sessions })} ${await readSession(session)}`;
    },
    async close() {
      await client.end();
      redis.client.disconnect();
    },
  };
}
