import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every setting memOS reads, with its default. Parsed once at start, then frozen. */
export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: int(0, 65_535).default(7420),
    })
    .prefault({}),
  /** One folder holds all embedded data (the SQLite database and, later, caches and models). */
  dataDir: z.string().min(1).default('./.memos'),
  storage: z.preprocess(
    // A storage section that names no driver is the embedded default.
    (value) => (typeof value === 'object' && value !== null && !('driver' in value) ? { driver: 'sqlite', ...value } : value),
    z.discriminatedUnion('driver', [
      z.strictObject({
        driver: z.literal('sqlite'),
        /** `full` syncs every commit to disk (survives power loss); `normal` survives process crashes only. */
        synchronous: z.enum(['full', 'normal']).default('full'),
      }),
    ]),
  ).prefault({}),
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
    })
    .prefault({}),
  search: z
    .strictObject({
      defaultLimit: int(1, 1000).default(10),
      maxLimit: int(1, 1000).default(100),
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
  MEMOS_DATA_DIR: 'dataDir',
  MEMOS_SQLITE_SYNCHRONOUS: 'storage.synchronous',
  MEMOS_SESSION_TTL_SECONDS: 'sessions.ttlSeconds',
  MEMOS_SESSION_WINDOW: 'sessions.window',
  MEMOS_SESSION_SWEEP_SECONDS: 'sessions.sweepIntervalSeconds',
  MEMOS_MAX_CONTENT_BYTES: 'limits.contentBytes',
  MEMOS_MAX_METADATA_BYTES: 'limits.metadataBytes',
  MEMOS_MAX_METADATA_DEPTH: 'limits.metadataDepth',
  MEMOS_MAX_STATE_BYTES: 'limits.stateBytes',
  MEMOS_MAX_BATCH_ITEMS: 'limits.batchItems',
  MEMOS_SEARCH_DEFAULT_LIMIT: 'search.defaultLimit',
  MEMOS_SEARCH_MAX_LIMIT: 'search.maxLimit',
  MEMOS_LOG_LEVEL: 'log.level',
} as const;

/** Each command-line flag of `memos serve` and the setting it sets. */
export const FLAG_SETTINGS = {
  host: 'server.host',
  port: 'server.port',
  'data-dir': 'dataDir',
  'log-level': 'log.level',
} as const;
