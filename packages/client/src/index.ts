// @memos/client: a typed client for the memOS HTTP API (packages/client/README.md).
export { MemosClient, type RememberInput, type RememberScope, type StatsQuery } from './client.js';
export { isMemosError, MemosError, type MemosErrorCode } from './errors.js';
export { isMemosId, MEMOS_ID_PATTERN, MEMOS_ID_RULE } from './ids.js';
export type { AuditEntry, AuditQuery, CreatedKey, KeyRecord, KeyRequest, ReindexStatus } from './groups/admin.js';
export type { ErasureReceipt, ExportQuery, ImportSummary, UserListQuery, UserSummary } from './groups/data.js';
export type { CacheClearQuery, EmbedBatchRequest, EmbedRequest, OpenAiEmbeddingRequest } from './groups/embeddings.js';
export type { ConflictListQuery, EpisodeListQuery, MemoryListQuery, SessionListQuery, SessionSummary } from './groups/records.js';
export type { NdjsonSource } from './ndjson.js';
export type { Page } from './paging.js';
export type { RetryEvent, RetryOptions } from './retry.js';
export { ROUTES, type NamespaceRule, type RouteKey } from './routes.js';
export type { CallOptions, MemosClientOptions } from './transport.js';
export type {
  Body,
  Conflict,
  ConflictPage,
  ContextBundle,
  ContextRequest,
  Episode,
  EpisodeDraft,
  EpisodePage,
  EpisodeWrite,
  EpisodeWriteResult,
  ExportLine,
  ItemOf,
  Memory,
  MemoryDraft,
  MemoryHistory,
  MemoryPage,
  MemoryPatch,
  MemoryRetraction,
  MemorySources,
  MemoryVersion,
  MemoryWrite,
  MemoryWriteResult,
  Message,
  Ok,
  Operation,
  OperationKey,
  PathParams,
  Problem,
  Query,
  SearchHit,
  SearchRequest,
  SearchResponse,
  Session,
  SessionAppend,
  SessionPut,
  SessionWriteResult,
} from './types.js';
export type { components, operations, paths } from './openapi-types.js';
