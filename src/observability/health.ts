import { statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Storage } from '../core/ports.js';
import type { EmbeddingRuntime } from '../embeddings/embedding-runtime.js';
import { freshFor } from './fresh-for.js';

export type ComponentStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs: number;
  detail: string;
}

/** Which backend serves each tier: the durable store, the caches and short-term memory. */
export interface Backends {
  storage: string;
  cache: string;
  sessions: string;
}

export interface HealthReport {
  status: ComponentStatus;
  backends: Backends;
  components: Record<string, ComponentHealth>;
  /** Standing warnings about how memOS is configured (e.g. serving beyond loopback without keys); absent when none. */
  warnings?: string[];
}

/**
 * A server memOS keeps running without (Redis): while its ping fails, the component and the
 * service are `degraded`, never unhealthy, and readiness is unaffected.
 */
export interface OptionalComponent {
  ping(): Promise<void>;
  /** What it serves, e.g. `cache, sessions`. */
  serves: string;
  /** What the service does without it, e.g. `caches bypassed, sessions answer 503`. */
  whileDown: string;
}

export interface HealthOptions {
  storage: Storage;
  /** Standing configuration warnings, shown on every detailed report. */
  warnings?: string[];
  /** Warnings the store raises while serving (e.g. a scope too large for exact vector search), read at each detailed report. */
  storageWarnings?: () => string[];
  embeddings: EmbeddingRuntime;
  dataDir: string;
  backends: Backends;
  /** Checked by name in `detailed()`, each with a ping bounded by `pingTimeoutMs`. */
  optional?: Record<string, OptionalComponent>;
  pingTimeoutMs?: number;
  /** Free space below which the data folder reports degraded. */
  minFreeBytes?: number;
  /** How long the count of failed embeddings is reused (it counts rows); 15 s unless told. */
  backlogMs?: number;
  /**
   * The durable store lives in the data folder (SQLite): a folder that cannot take writes then
   * makes memOS unhealthy and not ready, as a store that does not answer does.
   */
  dataDirHoldsStorage?: boolean;
  /** How long the outcome of a write probe of the data folder is reused (default 5 s). */
  writeProbeMs?: number;
}

/** Bytes the write probe writes: a SQLite commit needs a few pages, so a folder with less room is full. */
const PROBE_BYTES = 64 * 1024;
const PROBE_FILE = '.write-probe';

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Checks each component memOS depends on and folds them into one status. */
export function createHealth({
  storage,
  embeddings,
  dataDir,
  backends,
  optional = {},
  pingTimeoutMs = 1000,
  minFreeBytes = 512 * 1024 * 1024,
  backlogMs = 15_000,
  dataDirHoldsStorage = false,
  writeProbeMs = 5000,
  warnings = [],
  storageWarnings = () => [],
}: HealthOptions) {
  const startedAt = performance.now();
  const backlog = freshFor(backlogMs, () => storage.vectors.progress({ model: embeddings.model, dimensions: embeddings.dimensions, failures: 1 }));
  const writeProbe = freshFor(writeProbeMs, () => probeWrites(dataDir));

  const timed = async (check: () => Promise<Omit<ComponentHealth, 'latencyMs'>>): Promise<ComponentHealth> => {
    const start = performance.now();
    try {
      const result = await check();
      return { ...result, latencyMs: round(performance.now() - start) };
    } catch (error) {
      return { status: 'unhealthy', latencyMs: round(performance.now() - start), detail: (error as Error).message };
    }
  };

  const storageHealth = () =>
    timed(async () => {
      await storage.ping();
      return { status: 'healthy', detail: `${storage.driver} answers${vectorNote(storage.vectorBackend)}` };
    });

  /** Free space, and whether the folder takes a write now (a full disk, a read-only mount, lost permissions do not). */
  const diskHealth = () =>
    timed(async () => {
      const stats = await statfs(dataDir);
      const free = stats.bavail * stats.bsize;
      const mib = Math.floor(free / (1024 * 1024));
      const refused = await writeProbe();
      if (refused !== undefined) return { status: 'unhealthy', detail: `the data folder cannot take writes (${refused}); ${mib} MiB free` };
      return free < minFreeBytes
        ? { status: 'degraded', detail: `${mib} MiB free in the data folder` }
        : { status: 'healthy', detail: `${mib} MiB free in the data folder` };
    });

  /**
   * The embedder's state as last seen; no upstream call is made for a health check. Embeddings
   * turned off on purpose (`disabled`) are a healthy, keyword-only mode, not a fault. Records whose
   * text the provider refused are named in the detail: they are found by keyword only, but the
   * embedder serves every other text, so they do not degrade it.
   */
  const embedderHealth = async (): Promise<ComponentHealth> => {
    const { state, detail, circuit } = embeddings.status();
    const working = state === 'ready' && (circuit === undefined || circuit === 'closed');
    const status: ComponentStatus = working || state === 'disabled' ? 'healthy' : 'degraded';
    const progress = state === 'ready' && embeddings.dimensions > 0 ? await backlog().catch(() => undefined) : undefined;
    const first = progress?.failures?.[0];
    if (progress === undefined || progress.failed === 0 || first === undefined) return { status, latencyMs: 0, detail };
    const failed =
      `${progress.failed} record${progress.failed === 1 ? '' : 's'} failed to embed, the provider refusing the text ` +
      `(first: ${first.tier} ${first.namespace}/${first.id}, ${first.error}); keyword search still finds them; ` +
      `GET /api/v1/admin/reindex lists them, POST it with {"retryFailed": true} retries them`;
    return { status, latencyMs: 0, detail: `${detail}; ${failed}` };
  };

  /** The embedding model itself: loaded, still loading, failed to load (then search is keyword-only), or none by configuration. */
  const modelHealth = async (): Promise<ComponentHealth> => {
    const { state, detail, provider, model, dimensions } = embeddings.status();
    if (state === 'disabled') return { status: 'healthy', latencyMs: 0, detail: `no model: ${detail}` };
    if (state !== 'ready') return { status: 'degraded', latencyMs: 0, detail };
    return { status: 'healthy', latencyMs: 0, detail: `${model} loaded by ${provider}, ${dimensions} dimensions` };
  };

  const optionalHealth = async (component: OptionalComponent): Promise<ComponentHealth> => {
    const result = await timed(async () => {
      await withTimeout(component.ping(), pingTimeoutMs);
      return { status: 'healthy', detail: `answers (${component.serves})` };
    });
    return result.status === 'healthy' ? result : { ...result, status: 'degraded', detail: `${result.detail}; ${component.whileDown}` };
  };

  return {
    backends,
    /** How vectors are searched, once the store has been reached. */
    vectorBackend: () => storage.vectorBackend,
    uptimeSeconds: () => Math.round((performance.now() - startedAt) / 1000),
    storage: storageHealth,
    /** Ready to serve: the store answers and, when it lives in the data folder, the folder takes writes. */
    async ready(): Promise<{ ready: boolean; detail: string }> {
      const [storageResult, disk] = await Promise.all([storageHealth(), dataDirHoldsStorage ? diskHealth() : undefined]);
      if (storageResult.status === 'unhealthy') return { ready: false, detail: storageResult.detail };
      if (disk?.status === 'unhealthy') return { ready: false, detail: disk.detail };
      return { ready: true, detail: storageResult.detail };
    },
    async detailed(): Promise<HealthReport> {
      const names = Object.keys(optional);
      const [storageResult, disk, embedder, model, ...others] = await Promise.all([
        storageHealth(),
        diskHealth(),
        embedderHealth(),
        modelHealth(),
        ...Object.values(optional).map(optionalHealth),
      ]);
      const components: Record<string, ComponentHealth> = { storage: storageResult, disk, embedder, model };
      others.forEach((result, i) => (components[names[i]!] = result));
      // Storage (and the data folder, when the store lives there) decides readiness; the other components can only degrade the service.
      const status: ComponentStatus =
        storageResult.status === 'unhealthy' || (dataDirHoldsStorage && disk.status === 'unhealthy')
          ? 'unhealthy'
          : Object.values(components).some((component) => component.status !== 'healthy')
            ? 'degraded'
            : 'healthy';
      const standing = [...warnings, ...storageWarnings()];
      return { status, backends, components, ...(standing.length === 0 ? {} : { warnings: standing }) };
    },
  };
}

/** Writes and removes a small file in `dir`: undefined when it could, else the error's code. */
async function probeWrites(dir: string): Promise<string | undefined> {
  const path = join(dir, PROBE_FILE);
  try {
    await writeFile(path, Buffer.alloc(PROBE_BYTES));
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

function vectorNote(backend: string | undefined): string {
  if (backend === 'exact') return '; vector search uses memOS\'s sketch index (nearest by SimHash, ranked by exact cosine) because pgvector is missing';
  if (backend === 'pgvector') return '; vector search uses pgvector (HNSW)';
  return '';
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export type HealthService = ReturnType<typeof createHealth>;
