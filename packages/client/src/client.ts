// MemosClient: one object per memOS server (and key), with a property per area of the API.
import { AuditApi, HealthApi, KeysApi, ReindexApi } from './groups/admin.js';
import { ErasureApi, NamespacesApi, TransferApi, UsersApi } from './groups/data.js';
import { CacheApi, EmbeddingsApi, ModelsApi } from './groups/embeddings.js';
import { EpisodesApi, MemoriesApi, SessionsApi } from './groups/records.js';
import { Transport, type CallOptions, type MemosClientOptions } from './transport.js';
import type { ContextBundle, ContextRequest, MemoryDraft, MemoryWrite, MemoryWriteResult, Ok, Query, SearchRequest, SearchResponse } from './types.js';

export type StatsQuery = Query<'GET /api/v1/stats'>;

/** What `remember` stores: a text, one draft, or several, with the scope they share. */
export type RememberInput = string | MemoryDraft | MemoryDraft[];
export type RememberScope = Omit<MemoryWrite, 'memories'>;

export class MemosClient {
  readonly #http: Transport;
  /** Short-term conversation state: put, get, appendMessages, delete, and the namespace's live sessions (list, iterate). */
  readonly sessions: SessionsApi;
  readonly episodes: EpisodesApi;
  readonly memories: MemoriesApi;
  /** The embedding gateway and its cache. */
  readonly embeddings: EmbeddingsApi;
  readonly models: ModelsApi;
  /** Search and context answer caches. */
  readonly cache: CacheApi;
  readonly keys: KeysApi;
  readonly audit: AuditApi;
  readonly reindex: ReindexApi;
  readonly users: UsersApi;
  readonly namespaces: NamespacesApi;
  readonly erasure: ErasureApi;
  readonly transfer: TransferApi;
  readonly health: HealthApi;

  constructor(options: MemosClientOptions) {
    const http = new Transport(options);
    this.#http = http;
    this.sessions = new SessionsApi(http);
    this.episodes = new EpisodesApi(http);
    this.memories = new MemoriesApi(http);
    this.embeddings = new EmbeddingsApi(http);
    this.models = new ModelsApi(http);
    this.cache = new CacheApi(http);
    this.keys = new KeysApi(http);
    this.audit = new AuditApi(http);
    this.reindex = new ReindexApi(http);
    this.users = new UsersApi(http);
    this.namespaces = new NamespacesApi(http);
    this.erasure = new ErasureApi(http);
    this.transfer = new TransferApi(http);
    this.health = new HealthApi(http);
  }

  /** Hybrid (keyword and vector) search over memories and episodes. */
  search(request: SearchRequest, options?: CallOptions): Promise<SearchResponse> {
    return this.#http.json('POST /api/v1/search', { json: request }, options);
  }

  /** The context bundle for a prompt: a session's recent messages and what recall finds, within a token budget. */
  context(request: ContextRequest, options?: CallOptions): Promise<ContextBundle> {
    return this.#http.json('POST /api/v1/context', { json: request }, options);
  }

  /** Stores memories: `remember('Ana likes green tea', { userId: 'ana' })`, or drafts with kind and importance. */
  remember(input: RememberInput, scope: RememberScope = {}, options?: CallOptions): Promise<MemoryWriteResult> {
    const memories = typeof input === 'string' ? [{ content: input }] : Array.isArray(input) ? input : [input];
    return this.memories.write({ ...scope, memories }, options);
  }

  /** Counts of the namespace (or one user of it): per tier and kind, sessions, vectors, bytes. */
  stats(query: StatsQuery = {}, options?: CallOptions): Promise<Ok<'GET /api/v1/stats'>> {
    return this.#http.json('GET /api/v1/stats', { query }, options);
  }

  /** Service info (`GET /`): name, version and backends. */
  info(options?: CallOptions): Promise<Ok<'GET /'>> {
    return this.#http.json('GET /', {}, options);
  }

  /** Who this client's key is (`GET /api/v1/whoami`): its id, name, role, namespaces and user, and whether memOS requires a key now. */
  whoami(options?: CallOptions): Promise<Ok<'GET /api/v1/whoami'>> {
    return this.#http.json('GET /api/v1/whoami', {}, options);
  }

  /** Prometheus metrics, as text. */
  metrics(options?: CallOptions): Promise<string> {
    return this.#http.text('GET /metrics', { accept: 'text/plain' }, options);
  }

  /** Request rate and latency of the server process over the last 15 minutes, in 10-second buckets, oldest first. */
  recentRequests(options?: CallOptions): Promise<Ok<'GET /metrics/recent'>> {
    return this.#http.json('GET /metrics/recent', {}, options);
  }
}
