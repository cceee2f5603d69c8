import { noteAuditRecords } from '../../core/audit-scope.js';
import type { KeyStore } from '../../core/ports.js';
import type { ApiKey, StoredApiKey } from '../../core/types.js';
import { KEY_INSERT_COLUMNS, keyInsertValues, rowToKey, withoutHash, type KeyRow } from '../key-rows.js';
import type { PgDatabase } from './pg-database.js';

/** API keys in PostgreSQL, shared by every replica: not tenant data, so no row-level policy applies. */
export class PgKeyStore implements KeyStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async create(key: StoredApiKey): Promise<void> {
    // In a transaction, so that the request's audit entry commits with the key.
    await this.#db.transaction('keys.create', async (tx) => {
      noteAuditRecords([key.id]);
      await tx.query(`INSERT INTO api_keys (${KEY_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9)`, keyInsertValues(key, (iso) => iso));
    });
  }

  async find(id: string): Promise<StoredApiKey | null> {
    const [row] = await this.#db.query<KeyRow>('keys.find', 'SELECT * FROM api_keys WHERE id = $1', [id]);
    return row ? rowToKey(row) : null;
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.#db.query<KeyRow>('keys.list', 'SELECT * FROM api_keys ORDER BY created_at DESC, id DESC');
    return rows.map((row) => withoutHash(rowToKey(row)));
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const rows = await this.#db.transaction('keys.revoke', (tx) => tx.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING 1', [at, id]));
    return rows.length > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.#db.query('keys.touch', 'UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async countActive(now: string): Promise<number> {
    const [row] = await this.#db.query<{ n: string }>(
      'keys.count',
      'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)',
      [now],
    );
    return Number(row?.n ?? 0);
  }
}
