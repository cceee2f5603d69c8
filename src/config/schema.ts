import { z } from 'zod';
import { ID_PATTERN } from '../core/ids.js';
import { retentionRules, reviewDays } from './record-rules.js';
import { checkRedis } from './redis-settings.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A namespace or user id, as the API takes them. */
const idSetting = z.string().regex(ID_PATTERN, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');

const KiB = 1024;
const MiB = 1024 * KiB;
/** Four bodies this size at once took a server to a peak of about 340 MB RSS (bench/limits/body-rss.ts). */
const BODY_BYTES_DEFAULT = 8 * MiB;

/** `a.example, *.b.example`, or a list of them: host names (or `*.` subdomain patterns), lower-cased. */
const hostList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((name) => name.trim().toLowerCase()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^(\*|(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?|\[[0-9a-f:.]+\])$/, 'must be host names without port or scheme, comma-separated (e.g. memos.example.com, *.internal), or *'))
      .min(1, 'must name at least one host, or *'),
  );

/**
 * `https://app.example.com, http://localhost:5173`, or a list of them: origins as browsers send
 * them in `Origin` (scheme, host and port when not the default; no path), lower-cased.
 */
const originList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((origin) => origin.trim().toLowerCase().replace(/\/$/, '')).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(:\d{1,5})?$/, 'must be origins (scheme://host[:port], no path), comma-separated, e.g. https://app.example.com'))
      .min(1, 'must name at least one origin'),
  );

/** An admin key named by configuration: long enough not to be guessed, and sendable in a header. */
export const adminKeySchema = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. the output of `openssl rand -hex 32`)')
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Every setting memOS reads, with its default. Parsed once at start, then frozen. */
export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: int(0, 65_535).default(7420),
      /**
       * Host names a request's Host header may name, against DNS rebinding; `*` allows any. When
       * unset: loopback names when bound to loopback, any host otherwise (with a warning at start).
       */
      allowedHosts: hostList.optional(),
      /** Longest a client may take to send a request's headers (slowloris defence). */
      headersTimeoutMs: int(100, 600_000).default(10_000),
      /** Longest a client may take to send a whole request, body included. */
      requestTimeoutMs: int(100, 3_600_000).default(60_000),
      /** How long an idle keep-alive connection stays open for the next request. */
      keepAliveTimeoutMs: int(100, 600_000).default(5000),
      /** Open connections at most; more are closed as they arrive. */
      maxConnections: int(1, 1_000_000).default(1024),
      /** Origins whose web pages may call memOS (CORS, preflight included); unset, no CORS headers are sent. */
      corsOrigins: originList.optional(),
    })
    .prefault({}),
  /**
   * The default rate limit of each API key (of each client address, for requests without one):
   * `burst` requests at once and `perSecond` on average. A key may carry its own. The default
   * guards against runaway clients: an agent makes a few requests a second, and the busiest test
   * suite (2,000 fuzzed requests in about 5 s on one server) stays within one 20 s window.
   */
  rateLimit: z
    .strictObject({
      /** Requests per second on average; 0 turns the default limit off (keys with their own limit keep it). */
      perSecond: z.coerce.number().min(0).max(1_000_000).default(200),
      /** Requests at once: the limit counts `burst` requests in a window of `burst / perSecond` seconds. */
      burst: int(1, 100_000_000).default(4000),
    })
    .prefault({}),
  /** One folder holds all embedded data (the SQLite database and, later, caches and models). */
  dataDir: z.string().min(1).default('./.memos'),
  storage: z.preprocess(
    // A storage section that names no driver is the embedded default, or PostgreSQL when it has a URL.
    (value) =>
      typeof value === 'object' && value !== null && !('driver' in value) ? { driver: 'url' in value ? 'postgres' : 'sqlite', ...value } : value,
    z.discriminatedUnion('driver', [
      z.strictObject({
        driver: z.literal('sqlite'),
        /** `full` syncs every commit to disk (survives power loss); `normal` survives process crashes only. */
        synchronous: z.enum(['full', 'normal']).default('full'),
        /** Bytes the in-process vector index may hold; whole partitions beyond it are evicted, least recently used first, and reload on use. */
        vectorIndexMaxBytes: int(MiB, 1024 * 1024 * MiB).default(512 * MiB),
      }),
      z.strictObject({
        /** Server mode: episodes, memories and vectors in PostgreSQL (sessions then live in Redis). */
        driver: z.literal('postgres'),
        /** `postgres://user:password@host:5432/db`. May carry a password: never logged. */
        url: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }),
        /** Every table lives in this schema, created at start. */
        schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be 1-63 of a-z 0-9 _, not starting with a digit').default('memos'),
        /** Pooled connections per process. */
        poolSize: int(1, 1000).default(10),
        /**
         * Row-level security: every call that works in one namespace runs as the role `memos_tenant`,
         * which PostgreSQL lets see and write only that namespace's rows. Needs a connecting role that
         * may create that role (or is already a member of it); false turns the boundary off.
         */
        rowSecurity: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(true),
      }),
    ]),
  ).prefault({}),
  /**
   * Server mode for short-term memory: with a URL, sessions and caches live in Redis (the storage
   * driver stays the durable store); without one, sessions stay in SQLite and caches in process.
   * The postgres driver keeps no sessions, so it requires a URL here.
   */
  redis: z
    .strictObject({
      /**
       * `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). With `cluster`, one or more
       * seed nodes, comma-separated. May carry a password: never logged.
       */
      url: z.string().optional(),
      /**
       * A Redis of their own for the caches (same forms as `url`), so that it can evict with
       * `allkeys-lru` while the sessions' server keeps `noeviction`; without it, `url` holds both.
       */
      cacheUrl: z.string().optional(),
      /** The URLs name seed nodes of a Redis Cluster rather than one server. */
      cluster: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
      /** Put before every key, to share one Redis database between deployments. */
      keyPrefix: z.string().max(128).default(''),
    })
    .superRefine(checkRedis)
    .prefault({}),
  /** Which embedding provider memOS uses. With no URL configured, the offline Model2Vec model. */
  embeddings: z.preprocess(
    (value) =>
      typeof value === 'object' && value !== null && !('provider' in value)
        ? { provider: 'url' in value ? 'openai' : 'model2vec', ...value }
        : value,
    z.discriminatedUnion('provider', [
      z.strictObject({
        provider: z.literal('model2vec'),
        /** A local model folder (model.safetensors + tokenizer.json). When unset, the model is fetched once into the data folder. */
        path: z.string().min(1).optional(),
        /** The hub repository fetched when no path is given. */
        model: z.string().min(1).default('minishlab/potion-base-8M'),
        hubUrl: z.url().default('https://huggingface.co'),
      }),
      z.strictObject({
        provider: z.literal('openai'),
        /** Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:1234/v1 for LM Studio. */
        url: z.url(),
        model: z.string().min(1),
        apiKey: z.string().min(1).optional(),
        /** Vector length; learned from the server when unset. */
        dimensions: int(1, 65_536).optional(),
        maxBatchSize: int(1, 4096).default(128),
        timeoutMs: int(100, 600_000).default(30_000),
        /** Longest text (characters) sent whole; a longer one is embedded from its start. About 8,000 tokens of English. */
        maxInputChars: int(1, 10_000_000).default(24_000),
      }),
      z.strictObject({ provider: z.literal('none') }),
    ]),
  ).prefault({}),
  /**
   * The optional LLM judge (docs/llm-judge.md): an OpenAI-compatible chat model asked, in the
   * background, whether a new memory duplicates, supersedes or contradicts similar ones. Off unless
   * both `url` and `model` are set; one without the other is refused at start.
   */
  llm: z
    .strictObject({
      /** Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:1234/v1 (LM Studio) or http://127.0.0.1:11434/v1 (Ollama). */
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
      model: z.string().min(1).optional(),
      /** Sent as `Authorization: Bearer`. A secret: never logged. */
      apiKey: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
      /** Per request, answer included; local models on a CPU can take tens of seconds. */
      timeoutMs: int(100, 600_000).default(60_000),
      /** Similar memories shown to the model per question; more are dropped, least similar first. */
      maxCandidates: int(1, 50).default(8),
    })
    .superRefine((llm, context) => {
      // Caught here rather than when the judge is built, so that a bad URL stops start-up; the
      // message does not repeat the URL, which may hold a password.
      if (llm.url !== undefined && /^[a-z]+:\/\/[^/]*@|[?#]/i.test(llm.url)) {
        context.addIssue({ code: 'custom', path: ['url'], message: 'must hold no user, password, query or fragment: put a key in llm.apiKey (MEMOS_LLM_API_KEY)' });
      }
      if (llm.url !== undefined && llm.model === undefined) {
        context.addIssue({ code: 'custom', path: ['model'], message: 'must be set too when llm.url (MEMOS_LLM_URL) is set: the LLM judge needs both a URL and a model, or neither' });
      }
      if (llm.model !== undefined && llm.url === undefined) {
        context.addIssue({ code: 'custom', path: ['url'], message: 'must be set too when llm.model (MEMOS_LLM_MODEL) is set: the LLM judge needs both a URL and a model, or neither' });
      }
    })
    .prefault({}),
  /** Truth maintenance (docs/truth.md). */
  truth: z
    .strictObject({
      /**
       * Days after its last confirmation at which a memory of a kind is marked `stale` in search
       * hits and context bundles; no entry for a kind (the default for every kind): never stale.
       */
      reviewDays: reviewDays.default({}),
      /**
       * Cosine at or above which a current memory of the same identity is returned as `related` to
       * a new memory, and checked by the contradiction detector (docs/truth.md). Model2Vec's
       * potion-base-4M gives 0.4 or more to 106 of the 107 contradicting pairs of bench/truth, and
       * to 27 of the 990 pairs of 45 consistent facts about one user, none of which the detector flags.
       */
      relatedThreshold: z.coerce.number().min(0).max(1).default(0.4),
    })
    .prefault({}),
  /** How records get their vectors. */
  indexing: z
    .strictObject({
      /** Cosine at or above which a new memory that states the same thing (core/same-statement.ts) merges into a current one of the same namespace, user and agent. */
      duplicateThreshold: z.coerce.number().min(0).max(1).default(0.95),
      /** Longest a write waits for its embeddings before leaving them to the backfill. */
      writeTimeoutMs: int(1, 600_000).default(2000),
      /** Embed pending records in the background from start; when false, only `memos reindex` starts it. */
      autoBackfill: z.union([z.boolean(), z.stringbool()]).default(true),
      backfillBatch: int(1, 10_000).default(256),
      backfillIdleSeconds: int(1, 3600).default(5),
    })
    .prefault({}),
  cache: z
    .strictObject({
      /** Bytes the in-process cache may hold. */
      maxBytes: int(1024 * 1024, 64 * 1024 * MiB).default(256 * MiB),
      embeddingsTtlSeconds: int(1, 365 * 86_400).default(86_400),
      responsesTtlSeconds: int(1, 365 * 86_400).default(3600),
    })
    .prefault({}),
  sessions: z
    .strictObject({
      /** Idle time after which a session expires; each session may set its own. */
      ttlSeconds: int(1, 30 * 24 * 3600).default(1800),
      /** Messages a session keeps; older ones are promoted to episodes. */
      window: int(1, 10_000).default(50),
      /** How often expired sessions are swept (their messages promoted). */
      sweepIntervalSeconds: int(1, 86_400).default(60),
    })
    .prefault({}),
  limits: z
    .strictObject({
      contentBytes: int(1, 16 * MiB).default(32 * KiB),
      metadataBytes: int(2, 1 * MiB).default(16 * KiB),
      metadataDepth: int(1, 64).default(8),
      stateBytes: int(2, 16 * MiB).default(64 * KiB),
      batchItems: int(1, 100_000).default(1000),
      /** Largest request body of any route; batch writes may be smaller still, from batchItems and the sizes above. */
      bodyBytes: int(64 * KiB, 1024 * MiB).default(BODY_BYTES_DEFAULT),
    })
    .prefault({}),
  search: z
    .strictObject({
      defaultLimit: int(1, 1000).default(10),
      maxLimit: int(1, 1000).default(100),
      /**
       * How hybrid search fuses its signals: `score` adds the keyword and vector scores, each
       * normalised to 0..1 over its candidates; `rrf` adds reciprocal ranks. Measured in bench/locomo.
       */
      fusion: z.enum(['score', 'rrf']).default('score'),
      /** Weight of each signal in hybrid search. */
      keywordWeight: z.coerce.number().min(0).max(100).default(0.7),
      vectorWeight: z.coerce.number().min(0).max(100).default(0.3),
      /** The RRF constant (fusion `rrf` only): larger flattens the advantage of the top ranks. */
      rrfK: z.coerce.number().min(0).max(10_000).default(60),
      /** Share of an adjacent episode's score (same session) that a hit gains; 0 turns neighbour expansion off. */
      neighbourWeight: z.coerce.number().min(0).max(10).default(0.3),
      /** How many episodes on each side count as neighbours; each step further counts 2/3 as much. */
      neighbourWidth: int(0, 5).default(2),
      /** Share of the best score in an episode's session that every candidate of that session gains. */
      sessionWeight: z.coerce.number().min(0).max(10).default(0.1),
      /** Gentle priors: a score is multiplied by (1 + recencyWeight × 0.5^(age / half-life)) and (1 + importanceWeight × (importance − 0.5)). */
      recencyWeight: z.coerce.number().min(0).max(10).default(0.5),
      recencyHalfLifeDays: z.coerce.number().positive().max(36_500).default(30),
      importanceWeight: z.coerce.number().min(0).max(1.9).default(0.1),
      /**
       * Time priors (hybrid): a record that happened within a time the query names ("in May 2023",
       * "last week") has its score multiplied by 1 + timeWeight, halving every timeHalfLifeDays
       * outside it; for a "when" question naming no time, a record whose text speaks of a time gains
       * × (1 + whenWeight). 0 turns each off. The defaults sit on a plateau of bench:locomo (README, Retrieval quality).
       */
      timeWeight: z.coerce.number().min(0).max(10).default(2),
      timeHalfLifeDays: z.coerce.number().positive().max(36_500).default(7),
      whenWeight: z.coerce.number().min(0).max(10).default(0.4),
      /**
       * Speaker priors (hybrid): when a query names a speaker (an episode's message `name`, or a
       * transcript line's "Name: "), a record said by anyone other than the person it asks about
       * has its score divided by 1 + speakerWeight; a record that only asks (ends in "?") is
       * multiplied by 1 − questionDiscount. 0 turns each off. The defaults sit on a plateau of
       * bench:locomo (README, Retrieval quality).
       */
      speakerWeight: z.coerce.number().min(0).max(10).default(1.5),
      questionDiscount: z.coerce.number().min(0).max(0.9).default(0.2),
    })
    .prefault({}),
  /** The prompt-ready bundle of `POST /api/v1/context`. */
  context: z
    .strictObject({
      /** Tokens the rendered text may hold when a request names no `tokenBudget`. */
      tokenBudget: int(32, 131_072).default(2000),
      /** Candidates asked from search per tier (memories, episodes) when a request names no `limit`. */
      limit: int(1, 1000).default(10),
      /** Share of the budget first kept for the newest session messages; what they leave goes to memories and episodes. */
      recentMessageShare: z.coerce.number().min(0).max(1).default(0.4),
    })
    .prefault({}),
  /** Listings: `GET /api/v1/episodes` and `GET /api/v1/memories`. */
  list: z
    .strictObject({
      /** Items in a page when a request names no `limit`. */
      defaultLimit: int(1, 10_000).default(50),
      /** Most items one page may ask for. */
      maxLimit: int(1, 10_000).default(500),
    })
    .prefault({}),
  /** The audit log: who changed what (docs/audit.md). */
  audit: z
    .strictObject({
      /** Record reads and searches too, not only changes and admin actions. */
      reads: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
      /** Days an entry is kept; 0 keeps every entry. */
      retentionDays: int(0, 36_500).default(90),
    })
    .prefault({}),
  /**
   * Retention (docs/operations.md "Retention"): a maximum age per namespace and kind for episodes
   * (by `occurredAt`) and memories (by `updatedAt`), enforced by a background sweep, which also
   * removes expired memories. No rules: nothing is removed for its age.
   */
  retention: z
    .strictObject({
      /** The most specific rule of a record wins: namespace and kind, then namespace, then `*` and kind, then `*`. */
      rules: retentionRules.default([]),
      /** Pause between sweeps once one has removed everything due. */
      sweepIntervalSeconds: int(1, 86_400).default(3600),
      /** Records removed per transaction; a sweep runs batches until none is left. */
      batchSize: int(1, 10_000).default(200),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Serve Prometheus metrics at `GET /metrics`; off, nothing is counted or timed. */
      enabled: z.union([z.boolean(), z.stringbool()]).default(true),
      /** Serve `GET /metrics` without a key even while keys are required (for a scraper on a private network). */
      public: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
    })
    .prefault({}),
  /** Access control (README "Security"). */
  auth: z
    .strictObject({
      /**
       * `auto`: keys are required as soon as one exists or memOS listens beyond loopback; `required`:
       * always; `off`: never (refused nowhere, warned about beyond loopback).
       */
      mode: z.enum(['auto', 'required', 'off']).default('auto'),
      /** An admin key for simple deployments, at least 32 characters. A secret: never logged. */
      adminKey: adminKeySchema.optional(),
      /** A file holding the admin key (for secrets mounted as files); its text, trimmed, is the key. */
      adminKeyFile: z.string().min(1).optional(),
    })
    .refine((auth) => auth.adminKey === undefined || auth.adminKeyFile === undefined, { message: 'set adminKey (MEMOS_ADMIN_KEY) or adminKeyFile (MEMOS_ADMIN_KEY_FILE), not both', path: ['adminKeyFile'] })
    .prefault({}),
  /**
   * The MCP server (`/mcp`, `memos mcp`; docs/mcp.md): where set, every tool works in this
   * namespace (and for this user), and tools refuse arguments that name another. A key bound to a
   * user, or limited to one namespace, pins them too.
   */
  mcp: z
    .strictObject({
      namespace: idSetting.optional(),
      userId: idSetting.optional(),
    })
    .prefault({}),
  /** OpenTelemetry tracing, named by the standard OTEL_* variables; off unless an endpoint is set. */
  tracing: z
    .strictObject({
      /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318; spans are sent to `{endpoint}/v1/traces`. */
      endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
      serviceName: z.string().min(1).default('memos'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

export type Config = Readonly<z.output<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;
