// The record routes: sessions (the short-term tier), episodes and memories.
import { everyItem } from '../paging.js';
import type { CallOptions, Transport } from '../transport.js';
import type { Conflict, ConflictPage, Episode, EpisodePage, EpisodeWrite, EpisodeWriteResult, ItemOf, Memory, MemoryHistory, MemoryPage, MemoryPatch, MemoryRetraction, MemorySources, MemoryWrite, MemoryWriteResult, Ok, Query, Session, SessionAppend, SessionPut, SessionWriteResult } from '../types.js';

export type SessionListQuery = Query<'GET /api/v1/sessions'>;
export type SessionSummary = ItemOf<'GET /api/v1/sessions'>;
/** A listing's `metadata` conditions, given as an object: the client sends the JSON text the query string carries. */
type MetadataConditions<Q> = Omit<Q, 'metadata'> & { metadata?: Record<string, string | number | boolean> | undefined };
export type EpisodeListQuery = MetadataConditions<Query<'GET /api/v1/episodes'>>;
export type MemoryListQuery = MetadataConditions<Query<'GET /api/v1/memories'>>;
export type ConflictListQuery = Query<'GET /api/v1/conflicts'>;

export class SessionsApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates or replaces a session (`PUT /api/v1/sessions/{sessionId}`). */
  put(sessionId: string, session: SessionPut, options?: CallOptions): Promise<SessionWriteResult> {
    return this.#http.json('PUT /api/v1/sessions/{sessionId}', { path: { sessionId }, json: session }, options);
  }

  /** A live session, whole (refreshes its idle TTL); `E_NOT_FOUND` when it is not live. */
  get(sessionId: string, options?: CallOptions): Promise<Session> {
    return this.#http.json('GET /api/v1/sessions/{sessionId}', { path: { sessionId } }, options);
  }

  /** Appends messages, creating the session when it is not live. */
  appendMessages(sessionId: string, append: SessionAppend, options?: CallOptions): Promise<Ok<'POST /api/v1/sessions/{sessionId}/messages'>> {
    return this.#http.json('POST /api/v1/sessions/{sessionId}/messages', { path: { sessionId }, json: append }, options);
  }

  async delete(sessionId: string, options?: CallOptions): Promise<void> {
    await this.#http.send('DELETE /api/v1/sessions/{sessionId}', { path: { sessionId } }, options);
  }

  /** One page of the live sessions of the namespace, in summary (`GET /api/v1/sessions`). */
  list(query: SessionListQuery = {}, options?: CallOptions): Promise<Ok<'GET /api/v1/sessions'>> {
    return this.#http.json('GET /api/v1/sessions', { query }, options);
  }

  /** Every live session of the namespace, in summary, page after page. */
  iterate(query: SessionListQuery = {}, options?: CallOptions): AsyncGenerator<SessionSummary, void, undefined> {
    return everyItem((page: SessionListQuery, call?: CallOptions) => this.list(page, call), query, options);
  }
}

export class EpisodesApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Records episodes (events, interventions, observations …). */
  write(episodes: EpisodeWrite, options?: CallOptions): Promise<EpisodeWriteResult> {
    return this.#http.json('POST /api/v1/episodes', { json: episodes }, options);
  }

  /** A page of the timeline; `metadata: { thread: 't1' }` keeps the episodes whose metadata holds each condition. */
  list(query: EpisodeListQuery = {}, options?: CallOptions): Promise<EpisodePage> {
    return this.#http.json('GET /api/v1/episodes', { query: metadataAsJson(query) }, options);
  }

  iterate(query: EpisodeListQuery = {}, options?: CallOptions): AsyncGenerator<Episode, void, undefined> {
    return everyItem((page: EpisodeListQuery, call?: CallOptions) => this.list(page, call), query, options);
  }

  get(id: string, options?: CallOptions): Promise<Episode> {
    return this.#http.json('GET /api/v1/episodes/{id}', { path: { id } }, options);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    await this.#http.send('DELETE /api/v1/episodes/{id}', { path: { id } }, options);
  }
}

export class MemoriesApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Stores memories; one that states what a stored memory states merges into it (`results[].action`). */
  write(memories: MemoryWrite, options?: CallOptions): Promise<MemoryWriteResult> {
    return this.#http.json('POST /api/v1/memories', { json: memories }, options);
  }

  /** A page of memories; `metadata: { source: 'crm' }` keeps the memories whose metadata holds each condition. */
  list(query: MemoryListQuery = {}, options?: CallOptions): Promise<MemoryPage> {
    return this.#http.json('GET /api/v1/memories', { query: metadataAsJson(query) }, options);
  }

  iterate(query: MemoryListQuery = {}, options?: CallOptions): AsyncGenerator<Memory, void, undefined> {
    return everyItem((page: MemoryListQuery, call?: CallOptions) => this.list(page, call), query, options);
  }

  get(id: string, options?: CallOptions): Promise<Memory> {
    return this.#http.json('GET /api/v1/memories/{id}', { path: { id } }, options);
  }

  /** Changes a memory, keeping the previous version in its history; `expectedVersion` makes it conditional (409 otherwise). */
  update(id: string, patch: MemoryPatch, options?: CallOptions): Promise<Ok<'PATCH /api/v1/memories/{id}'>> {
    return this.#http.json('PATCH /api/v1/memories/{id}', { path: { id }, json: patch }, options);
  }

  /** Confirms that a memory still holds: its `lastConfirmedAt` becomes now, nothing else changes, and it is no longer `stale`. */
  confirm(id: string, options?: CallOptions): Promise<Memory> {
    return this.#http.json('POST /api/v1/memories/{id}/confirm', { path: { id }, json: {} }, options);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    await this.#http.send('DELETE /api/v1/memories/{id}', { path: { id } }, options);
  }

  /** The earlier versions of a memory, newest first. */
  history(id: string, options?: CallOptions): Promise<MemoryHistory> {
    return this.#http.json('GET /api/v1/memories/{id}/history', { path: { id } }, options);
  }

  /** Marks a fact as no longer (or never) true, without a replacement: it leaves recall and stays readable. */
  retract(id: string, retraction: MemoryRetraction = {}, options?: CallOptions): Promise<Memory> {
    return this.#http.json('POST /api/v1/memories/{id}/retract', { path: { id }, json: retraction }, options);
  }

  /** The sessions and episodes a memory came from. */
  sources(id: string, options?: CallOptions): Promise<MemorySources> {
    return this.#http.json('GET /api/v1/memories/{id}/sources', { path: { id } }, options);
  }

  /** Pairs of current memories flagged as likely contradicting each other, to settle with a superseding write or a retraction. */
  conflicts(query: ConflictListQuery = {}, options?: CallOptions): Promise<ConflictPage> {
    return this.#http.json('GET /api/v1/conflicts', { query }, options);
  }

  iterateConflicts(query: ConflictListQuery = {}, options?: CallOptions): AsyncGenerator<Conflict, void, undefined> {
    return everyItem((page: ConflictListQuery, call?: CallOptions) => this.conflicts(page, call), query, options);
  }
}

/** The query with its metadata conditions as the JSON text memOS reads. */
function metadataAsJson<Q extends { metadata?: Record<string, string | number | boolean> | undefined }>(query: Q): Omit<Q, 'metadata'> & { metadata?: string } {
  const { metadata, ...rest } = query;
  return metadata === undefined ? rest : { ...rest, metadata: JSON.stringify(metadata) };
}
