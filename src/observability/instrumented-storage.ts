import type { EpisodeStore, SemanticStore, Storage, VectorStore, WorkingMemoryStore } from '../core/ports.js';
import type { StoreTier } from './metrics.js';
import type { Telemetry } from './telemetry.js';
import { inChildSpan } from './tracing.js';

/** Every method of a port, so that a method added to a port without being listed here fails to compile. */
type Operations<P> = Record<keyof P, true>;

const SESSION_OPERATIONS: Operations<WorkingMemoryStore> = { put: true, get: true, append: true, delete: true, sweepExpired: true, list: true, count: true };
const EPISODE_OPERATIONS: Operations<EpisodeStore> = { append: true, get: true, list: true, delete: true, search: true, neighbours: true };
const MEMORY_OPERATIONS: Operations<SemanticStore> = { upsert: true, get: true, list: true, update: true, delete: true, history: true, search: true, confirm: true, retract: true, supersede: true, noteConflicts: true };
const VECTOR_OPERATIONS: Operations<VectorStore> = { search: true, nearestMemories: true, put: true, pending: true, progress: true, fail: true, retryFailed: true };

/** `db.system` as OpenTelemetry names the engines. */
const DB_SYSTEM: Record<string, string> = { sqlite: 'sqlite', postgres: 'postgresql', redis: 'redis' };

/**
 * The storage with every store call timed into `memos_store_operation_duration_seconds`, failures
 * counted, and a `store <tier>.<operation>` span per call. Wrapping the ports once covers every
 * adapter; `sessionsBackend` says where sessions live (Redis in server mode).
 */
export function instrumentStorage(storage: Storage, sessionsBackend: string, { metrics, tracer }: Telemetry): Storage {
  const wrap = <P extends object>(port: P, tier: StoreTier, backend: string, operations: Operations<P>): P => {
    const wrapped = Object.keys(operations).map((operation) => {
      const call = (port as Record<string, (...args: unknown[]) => Promise<unknown>>)[operation]!;
      const labels = { tier, operation, backend };
      const attributes = { 'db.system': DB_SYSTEM[backend] ?? backend, 'memos.store.tier': tier, 'memos.store.operation': operation };
      const observed = (...args: unknown[]) =>
        inChildSpan(tracer, `store ${tier}.${operation}`, attributes, async () => {
          const end = metrics?.store.duration.startTimer(labels);
          try {
            return await call.apply(port, args);
          } catch (error) {
            metrics?.store.errors.inc(labels);
            throw error;
          } finally {
            end?.();
          }
        });
      return [operation, observed] as const;
    });
    return Object.fromEntries(wrapped) as P;
  };

  const backend = storage.driver;
  return {
    driver: storage.driver,
    sessions: wrap(storage.sessions, 'short_term', sessionsBackend, SESSION_OPERATIONS),
    episodes: wrap(storage.episodes, 'episodic', backend, EPISODE_OPERATIONS),
    memories: wrap(storage.memories, 'semantic', backend, MEMORY_OPERATIONS),
    vectors: wrap(storage.vectors, 'vector', backend, VECTOR_OPERATIONS),
    keys: storage.keys,
    audit: storage.audit,
    ...(storage.erasure === undefined ? {} : { erasure: storage.erasure }),
    ...(storage.sessionErasure === undefined ? {} : { sessionErasure: storage.sessionErasure }),
    ...(storage.inspect === undefined ? {} : { inspect: storage.inspect }),
    ...(storage.retention === undefined ? {} : { retention: storage.retention }),
    ...(storage.transfer === undefined ? {} : { transfer: storage.transfer }),
    get vectorBackend() {
      return storage.vectorBackend;
    },
    init: () => storage.init(),
    close: () => storage.close(),
    ping: () => storage.ping(),
  };
}
