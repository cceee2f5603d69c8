import { z } from 'zod';
import { ID_PATTERN } from '../core/ids.js';
import { MEMORY_KINDS } from '../core/types.js';

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

const redisUrl = z.url({ protocol: /^rediss?$/ });

/**
 * The nodes `redis.url` names, comma-separated: full URLs, or after the first also bare
 * `host:port`, which take the first one's scheme and credentials
 * (`redis://:pw@10.0.0.5:7000,10.0.0.6:7000`).
 */
export function redisSeeds(url: string): string[] {
  const [first = '', ...rest] = url.split(',').map((seed) => seed.trim());
  const base = /^[a-z]+:\/\/([^@/]*@)?/i.exec(first)?.[0] ?? '';
  return [first, ...rest.map((seed) => (seed.includes('://') ? seed : base + seed))];
}

/**
 * A Redis Cluster has only database 0, and a client speaks to all its nodes with one set of
 * credentials and one scheme; a brace in the key prefix would decide the hash slot of every key,
 * breaking the hash tags that keep a session's keys in one slot.
 */
function checkRedis(
  redis: { url?: string | undefined; cacheUrl?: string | undefined; cluster: boolean; keyPrefix: string },
  context: z.RefinementCtx,
): void {
  if (redis.url === undefined) {
    if (redis.cluster) context.addIssue({ code: 'custom', path: ['cluster'], message: 'needs redis.url (MEMOS_REDIS_URL) naming at least one seed node' });
    if (redis.cacheUrl !== undefined) context.addIssue({ code: 'custom', path: ['cacheUrl'], message: 'needs redis.url (MEMOS_REDIS_URL) for the sessions as well' });
    return;
  }
  checkRedisUrl(redis.url, 'url', redis.cluster, context);
  if (redis.cacheUrl !== undefined) checkRedisUrl(redis.cacheUrl, 'cacheUrl', redis.cluster, context);
  if (redis.cluster && /[{}]/.test(redis.keyPrefix)) {
    context.addIssue({ code: 'custom', path: ['keyPrefix'], message: 'must not hold { or } with redis.cluster: braces would choose the hash slot of every key' });
  }
}

/** One server's URL, or with `cluster` the seed nodes of a cluster. */
function checkRedisUrl(url: string, field: 'url' | 'cacheUrl', cluster: boolean, context: z.RefinementCtx): void {
  const texts = redisSeeds(url);
  if (!texts.every((seed) => redisUrl.safeParse(seed).success)) {
    context.addIssue({ code: 'custom', path: [field], message: 'must be a redis:// or rediss:// URL' });
    return;
  }
  if (!cluster) {
    if (texts.length > 1) context.addIssue({ code: 'custom', path: [field], message: 'lists several nodes; set redis.cluster (MEMOS_REDIS_CLUSTER=true) for a Redis Cluster' });
    return;
  }
  const seeds = texts.map((seed) => new URL(seed));
  const first = seeds[0]!;
  if (seeds.some((seed) => !['', '/', '/0'].includes(seed.pathname))) {
    context.addIssue({ code: 'custom', path: [field], message: 'names a database; a Redis Cluster has only database 0' });
  }
  if (seeds.some((seed) => seed.protocol !== first.protocol || seed.username !== first.username || seed.password !== first.password)) {
    context.addIssue({ code: 'custom', path: [field], message: 'seed nodes must share one scheme and one user and password' });
  }
}

/** One retention rule: records of `tier` (of `kind`, when named) in `namespace` (`*`: any) older than `maxAgeDays` go. */
const retentionRule = z
  .strictObject({
    namespace: z.string().refine((value) => value === '*' || ID_PATTERN.test(value), 'must be a namespace (1-128 of A-Z a-z 0-9 . _ : @ -) or *'),
    tier: z.enum(['episodes', 'memories']),
    kind: z.string().min(1).max(128).optional(),
    maxAgeDays: z.number().positive().max(36_500),
  })
  .refine((rule) => rule.tier !== 'memories' || rule.kind === undefined || (MEMORY_KINDS as readonly string[]).includes(rule.kind), {
    message: `a memory kind must be one of ${MEMORY_KINDS.join(', ')}`,
    path: ['kind'],
  });

/** The rules, as a list (config file) or as its JSON text (MEMOS_RETENTION_RULES); two rules for the same namespace, tier and kind are refused. */
const retentionRules = z
  .preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON array of rules, e.g. [{"namespace":"*","tier":"episodes","maxAgeDays":90}]' });
      return z.NEVER;
    }
  }, z.array(retentionRule).max(1000))
  .superRefine((rules, context) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      const key = JSON.stringify([rule.namespace, rule.tier, rule.kind ?? null]);
      if (seen.has(key)) context.addIssue({ code: 'custom', path: [index], message: 'repeats an earlier rule for the same namespace, tier and kind' });
      seen.add(key);
    });
  });

/**
 * Review periods by memory kind (docs/truth.md "Freshness"): an object `{ "fact": 365 }` (config
 * file) or its text `fact=365,preference=180` (MEMOS_REVIEW_DAYS). A kind left out never goes stale.
 */
const reviewDays = z
  .preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    const entries: Array<[string, unknown]> = [];
    for (const part of value.split(',').map((piece) => piece.trim()).filter((piece) => piece !== '')) {
      const match = /^([a-z]+)\s*=\s*(\S+)$/.exec(part);
      if (!match) {
        context.addIssue({ code: 'custom', message: 'must be kind=days pairs separated by commas, e.g. fact=365,preference=180' });
        return z.NEVER;
      }
      entries.push([match[1]!, Number(match[2])]);
    }
    const kinds = entries.map(([kind]) => kind);
    if (new Set(kinds).size !== kinds.length) {
      context.addIssue({ code: 'custom', message: 'names a kind twice' });
      return z.NEVER;
    }
    return Object.fromEntries(entries);
  }, z.partialRecord(z.enum(MEMORY_KINDS, { error: `a memory kind must be one of ${MEMORY_KINDS.join(', ')}` }), z.number({ error: 'must be a number of days, above 0 and at most 36500' }).positive().max(36_500)));

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
    })
    .prefault({}),
  /** How records get their vectors. */
  indexing: z
    .strictObject({
      /** Cosine at or above which a new memory that states the same thing (core/same-statement.ts) merges into one in the same scope. */
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
