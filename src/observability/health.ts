import { statfs } from 'node:fs/promises';
import type { Storage } from '../core/ports.js';
import type { EmbeddingRuntime } from '../embeddings/embedding-runtime.js';

export type ComponentStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs: number;
  detail: string;
}

export interface HealthReport {
  status: ComponentStatus;
  components: Record<string, ComponentHealth>;
}

export interface HealthOptions {
  storage: Storage;
  embeddings: EmbeddingRuntime;
  dataDir: string;
  /** Free space below which the data folder reports degraded. */
  minFreeBytes?: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Checks each component memOS depends on and folds them into one status. */
export function createHealth({ storage, embeddings, dataDir, minFreeBytes = 512 * 1024 * 1024 }: HealthOptions) {
  const startedAt = performance.now();

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
      return { status: 'healthy', detail: `${storage.driver} answers` };
    });

  const diskHealth = () =>
    timed(async () => {
      const stats = await statfs(dataDir);
      const free = stats.bavail * stats.bsize;
      const mib = Math.floor(free / (1024 * 1024));
      return free < minFreeBytes
        ? { status: 'degraded', detail: `${mib} MiB free in the data folder` }
        : { status: 'healthy', detail: `${mib} MiB free in the data folder` };
    });

  /** The embedder's state as last seen; no upstream call is made for a health check. */
  const embedderHealth = async (): Promise<ComponentHealth> => {
    const { state, detail, circuit } = embeddings.status();
    const status: ComponentStatus = state === 'ready' && (circuit === undefined || circuit === 'closed') ? 'healthy' : 'degraded';
    return { status, latencyMs: 0, detail };
  };

  return {
    uptimeSeconds: () => Math.round((performance.now() - startedAt) / 1000),
    storage: storageHealth,
    async detailed(): Promise<HealthReport> {
      const [storageResult, disk, embedder] = await Promise.all([storageHealth(), diskHealth(), embedderHealth()]);
      const components = { storage: storageResult, disk, embedder };
      // Storage decides readiness; the other components can only degrade the service.
      const status: ComponentStatus =
        storageResult.status === 'unhealthy'
          ? 'unhealthy'
          : Object.values(components).some((component) => component.status !== 'healthy')
            ? 'degraded'
            : 'healthy';
      return { status, components };
    },
  };
}

export type HealthService = ReturnType<typeof createHealth>;
