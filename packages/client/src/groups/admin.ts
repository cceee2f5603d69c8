// Operator routes: API keys, the audit log, the embedding backfill (reindex) and health.
import { everyItem } from '../paging.js';
import type { CallOptions, Transport } from '../transport.js';
import type { Body, ItemOf, Ok, Query } from '../types.js';

export type KeyRequest = Body<'POST /api/v1/admin/keys'>;
export type CreatedKey = Ok<'POST /api/v1/admin/keys'>;
export type KeyRecord = ItemOf<'GET /api/v1/admin/keys'>;
export type AuditQuery = Query<'GET /api/v1/admin/audit'> & { namespace?: string | undefined };
export type AuditEntry = ItemOf<'GET /api/v1/admin/audit'>;
export type ReindexStatus = Ok<'GET /api/v1/admin/reindex'>;

export class KeysApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Makes an API key; the answer's `key` is the only time the secret is shown (admin). */
  create(request: KeyRequest, options?: CallOptions): Promise<CreatedKey> {
    return this.#http.json('POST /api/v1/admin/keys', { json: request }, options);
  }

  /** Every key, newest first, without secrets (admin). The list is not paged. */
  list(options?: CallOptions): Promise<Ok<'GET /api/v1/admin/keys'>> {
    return this.#http.json('GET /api/v1/admin/keys', {}, options);
  }

  /** Revokes a key by its id (the 12 characters after `memos_`) (admin). */
  async revoke(id: string, options?: CallOptions): Promise<void> {
    await this.#http.send('DELETE /api/v1/admin/keys/{id}', { path: { id } }, options);
  }
}

export class AuditApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** One page of the audit log, newest first (admin). `namespace` here filters entries; it is not the call's namespace. */
  list(query: AuditQuery = {}, options?: CallOptions): Promise<Ok<'GET /api/v1/admin/audit'>> {
    return this.#http.json('GET /api/v1/admin/audit', { query }, options);
  }

  iterate(query: AuditQuery = {}, options?: CallOptions): AsyncGenerator<AuditEntry, void, undefined> {
    return everyItem((page: AuditQuery, call?: CallOptions) => this.list(page, call), query, options);
  }
}

export class ReindexApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Embedding progress for the current model, with the records the provider refused (admin). */
  status(options?: CallOptions): Promise<ReindexStatus> {
    return this.#http.json('GET /api/v1/admin/reindex', {}, options);
  }

  /** Embeds what is pending now, in the background; `retryFailed` first makes refused records pending again (admin). */
  start(request: NonNullable<Body<'POST /api/v1/admin/reindex'>> = {}, options?: CallOptions): Promise<Ok<'POST /api/v1/admin/reindex'>> {
    return this.#http.json('POST /api/v1/admin/reindex', { json: request }, options);
  }
}

export class HealthApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Overall health with the reason of each component that is not healthy; answered, not thrown, when unhealthy (503). */
  check(options?: CallOptions): Promise<Ok<'GET /health'>> {
    return this.#http.json('GET /health', { alsoOk: [503] }, options);
  }

  /** Whether the process is up. */
  live(options?: CallOptions): Promise<Ok<'GET /health/live'>> {
    return this.#http.json('GET /health/live', {}, options);
  }

  /** Whether storage answers; `status: 'not_ready'` (a 503) is answered, not thrown. */
  ready(options?: CallOptions): Promise<Ok<'GET /health/ready'>> {
    return this.#http.json('GET /health/ready', { alsoOk: [503] }, options);
  }

  /** Health of each component; answered, not thrown, when unhealthy (503). */
  detailed(options?: CallOptions): Promise<Ok<'GET /health/detailed'>> {
    return this.#http.json('GET /health/detailed', { alsoOk: [503] }, options);
  }
}
