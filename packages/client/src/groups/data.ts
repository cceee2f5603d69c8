// What memOS holds and moving it: counts (stats, namespaces, users), verified erasure, and
// export and import in the NDJSON export format (docs/export-format.md).
import { ndjsonBody, ndjsonLines, type NdjsonSource } from '../ndjson.js';
import { everyItem } from '../paging.js';
import { MemosError } from '../errors.js';
import type { CallOptions, Transport } from '../transport.js';
import type { ExportLine, ItemOf, Ok, Query } from '../types.js';

export type UserListQuery = Query<'GET /api/v1/users'>;
export type UserSummary = ItemOf<'GET /api/v1/users'>;
export type ErasureReceipt = Ok<'GET /api/v1/erasures/{receiptId}'>;
export type ExportQuery = Query<'GET /api/v1/export'>;
export type ImportSummary = Ok<'POST /api/v1/import'>;

const NDJSON = 'application/x-ndjson';

export class UsersApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** One page of the namespace's users with their counts, by user id. */
  list(query: UserListQuery = {}, options?: CallOptions): Promise<Ok<'GET /api/v1/users'>> {
    return this.#http.json('GET /api/v1/users', { query }, options);
  }

  iterate(query: UserListQuery = {}, options?: CallOptions): AsyncGenerator<UserSummary, void, undefined> {
    return everyItem((page: UserListQuery, call?: CallOptions) => this.list(page, call), query, options);
  }
}

export class NamespacesApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** The namespaces the key reaches, with their counts. Not paged. */
  list(options?: CallOptions): Promise<Ok<'GET /api/v1/namespaces'>> {
    return this.#http.json('GET /api/v1/namespaces', {}, options);
  }
}

export class ErasureApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Erases every trace of a user in the namespace (every tier, index and cache), verifies, and answers the receipt. */
  eraseUser(userId: string, options?: CallOptions): Promise<ErasureReceipt> {
    return this.#http.json('DELETE /api/v1/users/{userId}', { path: { userId } }, options);
  }

  /** Erases a whole namespace; its name is the path, so `options.namespace` does not apply. */
  eraseNamespace(namespace: string, options?: CallOptions): Promise<ErasureReceipt> {
    return this.#http.json('DELETE /api/v1/namespaces/{namespace}', { path: { namespace } }, options);
  }

  /** A receipt again, by id, within the namespace it was made in. */
  getReceipt(receiptId: string, options?: CallOptions): Promise<ErasureReceipt> {
    return this.#http.json('GET /api/v1/erasures/{receiptId}', { path: { receiptId } }, options);
  }
}

export class TransferApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * The namespace (or one user of it) as parsed export lines: a `header`, then `session`,
   * `episode` and `memory` lines, then an `end` line. A stream cut short lacks the `end` line,
   * which this checks: it throws `E_NETWORK` then. Breaking out of the loop stops the download.
   */
  async *export(query: ExportQuery = {}, options?: CallOptions): AsyncGenerator<ExportLine, void, undefined> {
    const stream = await this.exportStream(query, options);
    let last: ExportLine | undefined;
    try {
      for await (const line of ndjsonLines<ExportLine>(stream)) {
        last = line;
        yield line;
      }
    } catch (error) {
      if (options?.signal?.aborted) throw options.signal.reason;
      if (error instanceof SyntaxError) throw error;
      throw new MemosError('E_NETWORK', `GET /api/v1/export: the stream was cut (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    if (last?.type !== 'end') throw new MemosError('E_NETWORK', 'GET /api/v1/export: the stream ended without its end line (cut short)');
  }

  /** The export as the raw NDJSON byte stream, e.g. to write to a file. */
  async exportStream(query: ExportQuery = {}, options?: CallOptions): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#http.send('GET /api/v1/export', { query, accept: NDJSON }, options);
    if (response.body === null) throw new MemosError('E_NETWORK', 'GET /api/v1/export: the answer has no body');
    // Piped, not returned as is: some fetch implementations cancel the body of a Response that is
    // garbage-collected while its body is neither locked nor read, and the caller keeps only the body.
    return response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>());
  }

  /**
   * Imports an export stream into the namespace, idempotently (records whose id it holds are left
   * as stored). Takes the text, bytes, a Blob, a byte stream, or lines (records or strings), such as
   * `transfer.export()` of another memOS. Stream and iterable bodies are not retried.
   */
  import(source: NdjsonSource, options?: CallOptions): Promise<ImportSummary> {
    const { body, replayable } = ndjsonBody(source);
    return this.#http.json('POST /api/v1/import', { raw: { body, contentType: NDJSON, replayable } }, options);
  }
}
