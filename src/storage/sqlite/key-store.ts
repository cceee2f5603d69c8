import { noteAuditRecords } from '../../core/audit-scope.js';
import type { KeyStore } from '../../core/ports.js';
import type { ApiKey, StoredApiKey } from '../../core/types.js';
import { KEY_INSERT_COLUMNS, keyInsertValues, rowToKey, withoutHash, type KeyRow } from '../key-rows.js';
import type { SqliteDatabase } from './database.js';

const ms = (iso: string) => Date.parse(iso);

/** API keys in the data folder's database: not tenant data, so no scope filter applies. */
export class SqliteKeyStore implements KeyStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(key: StoredApiKey): Promise<void> {
    // In a transaction, so that the request's audit entry commits with the key.
    this.#db.transaction('keys.create', () => {
      noteAuditRecords([key.id]);
      this.#db.statement(`INSERT INTO api_keys (${KEY_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...keyInsertValues(key, ms));
    });
  }

  async find(id: string): Promise<StoredApiKey | null> {
    const row = this.#db.run('keys.find', () => this.#db.statement('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined);
    return row ? rowToKey(row) : null;
  }

  async list(): Promise<ApiKey[]> {
    const rows = this.#db.run('keys.list', () => this.#db.statement('SELECT * FROM api_keys ORDER BY created_at DESC, id DESC').all() as KeyRow[]);
    return rows.map((row) => withoutHash(rowToKey(row)));
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return this.#db.transaction('keys.revoke', () => this.#db.statement('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(ms(at), id).changes > 0);
  }

  async touch(id: string, at: string): Promise<void> {
    this.#db.run('keys.touch', () => this.#db.statement('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(ms(at), id));
  }

  async countActive(now: string): Promise<number> {
    return this.#db.run(
      'keys.count',
      () =>
        (this.#db.statement('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').get(ms(now)) as { n: number }).n,
    );
  }
}
