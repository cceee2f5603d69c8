// Where settings come from besides the config file: each MEMOS_* environment variable, and each
// command-line flag, with the setting (a dotted path into configSchema) it sets.

/** Each environment variable and the setting it sets. */
export const ENV_SETTINGS = {
  MEMOS_HOST: 'server.host',
  MEMOS_PORT: 'server.port',
  MEMOS_ALLOWED_HOSTS: 'server.allowedHosts',
  MEMOS_HEADERS_TIMEOUT_MS: 'server.headersTimeoutMs',
  MEMOS_REQUEST_TIMEOUT_MS: 'server.requestTimeoutMs',
  MEMOS_KEEP_ALIVE_TIMEOUT_MS: 'server.keepAliveTimeoutMs',
  MEMOS_MAX_CONNECTIONS: 'server.maxConnections',
  MEMOS_CORS_ORIGINS: 'server.corsOrigins',
  MEMOS_RATE_LIMIT_PER_SECOND: 'rateLimit.perSecond',
  MEMOS_RATE_LIMIT_BURST: 'rateLimit.burst',
  MEMOS_DATA_DIR: 'dataDir',
  MEMOS_AUTH: 'auth.mode',
  MEMOS_ADMIN_KEY: 'auth.adminKey',
  MEMOS_ADMIN_KEY_FILE: 'auth.adminKeyFile',
  MEMOS_METRICS_PUBLIC: 'metrics.public',
  MEMOS_DATABASE_URL: 'storage.url',
  MEMOS_REDIS_URL: 'redis.url',
  MEMOS_REDIS_CACHE_URL: 'redis.cacheUrl',
  MEMOS_REDIS_CLUSTER: 'redis.cluster',
  MEMOS_REDIS_KEY_PREFIX: 'redis.keyPrefix',
  MEMOS_SESSION_TTL_SECONDS: 'sessions.ttlSeconds',
  MEMOS_SESSION_WINDOW: 'sessions.window',
  MEMOS_SESSION_SWEEP_SECONDS: 'sessions.sweepIntervalSeconds',
  MEMOS_MAX_CONTENT_BYTES: 'limits.contentBytes',
  MEMOS_MAX_METADATA_BYTES: 'limits.metadataBytes',
  MEMOS_MAX_METADATA_DEPTH: 'limits.metadataDepth',
  MEMOS_MAX_STATE_BYTES: 'limits.stateBytes',
  MEMOS_MAX_BATCH_ITEMS: 'limits.batchItems',
  MEMOS_MAX_BODY_BYTES: 'limits.bodyBytes',
  MEMOS_SEARCH_DEFAULT_LIMIT: 'search.defaultLimit',
  MEMOS_SEARCH_MAX_LIMIT: 'search.maxLimit',
  MEMOS_SEARCH_KEYWORD_WEIGHT: 'search.keywordWeight',
  MEMOS_SEARCH_VECTOR_WEIGHT: 'search.vectorWeight',
  MEMOS_SEARCH_FUSION: 'search.fusion',
  MEMOS_SEARCH_RRF_K: 'search.rrfK',
  MEMOS_SEARCH_NEIGHBOUR_WEIGHT: 'search.neighbourWeight',
  MEMOS_SEARCH_NEIGHBOUR_WIDTH: 'search.neighbourWidth',
  MEMOS_SEARCH_SESSION_WEIGHT: 'search.sessionWeight',
  MEMOS_SEARCH_RECENCY_WEIGHT: 'search.recencyWeight',
  MEMOS_SEARCH_RECENCY_HALF_LIFE_DAYS: 'search.recencyHalfLifeDays',
  MEMOS_SEARCH_IMPORTANCE_WEIGHT: 'search.importanceWeight',
  MEMOS_SEARCH_TIME_WEIGHT: 'search.timeWeight',
  MEMOS_SEARCH_TIME_HALF_LIFE_DAYS: 'search.timeHalfLifeDays',
  MEMOS_SEARCH_WHEN_WEIGHT: 'search.whenWeight',
  MEMOS_SEARCH_SPEAKER_WEIGHT: 'search.speakerWeight',
  MEMOS_SEARCH_QUESTION_DISCOUNT: 'search.questionDiscount',
  MEMOS_DUPLICATE_THRESHOLD: 'indexing.duplicateThreshold',
  MEMOS_EMBED_WRITE_TIMEOUT_MS: 'indexing.writeTimeoutMs',
  MEMOS_AUTO_BACKFILL: 'indexing.autoBackfill',
  MEMOS_LOG_LEVEL: 'log.level',
  MEMOS_METRICS_ENABLED: 'metrics.enabled',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'tracing.endpoint',
  OTEL_SERVICE_NAME: 'tracing.serviceName',
  MEMOS_EMBEDDER: 'embeddings.provider',
  MEMOS_EMBEDDING_MODEL: 'embeddings.model',
  MEMOS_CACHE_MAX_BYTES: 'cache.maxBytes',
  MEMOS_CACHE_EMBEDDINGS_TTL_SECONDS: 'cache.embeddingsTtlSeconds',
  MEMOS_CACHE_RESPONSES_TTL_SECONDS: 'cache.responsesTtlSeconds',
  MEMOS_CONTEXT_TOKEN_BUDGET: 'context.tokenBudget',
  MEMOS_CONTEXT_LIMIT: 'context.limit',
  MEMOS_CONTEXT_RECENT_SHARE: 'context.recentMessageShare',
  MEMOS_LIST_DEFAULT_LIMIT: 'list.defaultLimit',
  MEMOS_LIST_MAX_LIMIT: 'list.maxLimit',
  MEMOS_AUDIT_READS: 'audit.reads',
  MEMOS_AUDIT_RETENTION_DAYS: 'audit.retentionDays',
  MEMOS_RETENTION_RULES: 'retention.rules',
  MEMOS_REVIEW_DAYS: 'truth.reviewDays',
  MEMOS_RELATED_THRESHOLD: 'truth.relatedThreshold',
  MEMOS_RETENTION_SWEEP_SECONDS: 'retention.sweepIntervalSeconds',
  MEMOS_RETENTION_BATCH: 'retention.batchSize',
  MEMOS_MCP_NAMESPACE: 'mcp.namespace',
  MEMOS_MCP_USER_ID: 'mcp.userId',
  MEMOS_LLM_URL: 'llm.url',
  MEMOS_LLM_MODEL: 'llm.model',
  MEMOS_LLM_API_KEY: 'llm.apiKey',
  MEMOS_LLM_TIMEOUT_MS: 'llm.timeoutMs',
  MEMOS_LLM_MAX_CANDIDATES: 'llm.maxCandidates',
} as const;

/**
 * Environment variables that belong to one embedding provider. They are read only when that
 * provider is in use, so that, say, MEMOS_MODEL2VEC_PATH set for tests does not stop an
 * OpenAI-compatible set-up from starting.
 */
export const PROVIDER_ENV_SETTINGS = {
  MEMOS_MODEL2VEC_PATH: { provider: 'model2vec', path: 'embeddings.path' },
  MEMOS_HF_ENDPOINT: { provider: 'model2vec', path: 'embeddings.hubUrl' },
  MEMOS_EMBEDDING_URL: { provider: 'openai', path: 'embeddings.url' },
  MEMOS_EMBEDDING_API_KEY: { provider: 'openai', path: 'embeddings.apiKey' },
  MEMOS_EMBEDDING_DIMENSIONS: { provider: 'openai', path: 'embeddings.dimensions' },
  MEMOS_EMBEDDING_MAX_INPUT_CHARS: { provider: 'openai', path: 'embeddings.maxInputChars' },
} as const;

/**
 * Environment variables that belong to one storage driver, read only when that driver is in use
 * (MEMOS_DATABASE_URL selects postgres), so that one set of variables serves both modes.
 */
export const DRIVER_ENV_SETTINGS = {
  MEMOS_SQLITE_SYNCHRONOUS: { driver: 'sqlite', path: 'storage.synchronous' },
  MEMOS_VECTOR_INDEX_MAX_BYTES: { driver: 'sqlite', path: 'storage.vectorIndexMaxBytes' },
  MEMOS_DATABASE_SCHEMA: { driver: 'postgres', path: 'storage.schema' },
  MEMOS_DATABASE_POOL_SIZE: { driver: 'postgres', path: 'storage.poolSize' },
  MEMOS_DATABASE_ROW_SECURITY: { driver: 'postgres', path: 'storage.rowSecurity' },
} as const;

/** Each command-line flag of `memos serve` (and `memos mcp`) and the setting it sets. */
export const FLAG_SETTINGS = {
  host: 'server.host',
  port: 'server.port',
  'data-dir': 'dataDir',
  'log-level': 'log.level',
  namespace: 'mcp.namespace',
  user: 'mcp.userId',
} as const;
