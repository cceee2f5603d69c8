import type { EpisodeStore, SemanticStore, Storage, VectorStore, WorkingMemoryStore } from '../core/ports.js';
import type { Tier, VectorQuery } from '../core/types.js';
import type { ScopeVersions } from './scope-versions.js';

export interface VersionedStores {
  sessions: WorkingMemoryStore;
  episodes: EpisodeStore;
  memories: SemanticStore;
  vectors: VectorStore;
}

/**
 * The stores as services write through them: every write, once it has returned (committed, or
 * failed, which changes nothing but is cheap to cover), sets a new scope version for the
 * namespaces it touched, before the caller goes on. Wrapping the ports rather than the services
 * catches every write path: session put, append and delete with their promotions, episode and
 * memory writes, vectors stored on write and by the backfill (and refusals it counts), and expiry
 * sweeps and retries of failed embeddings (which do not say which namespaces they touched, so they
 * bump all of them).
 */
export function bumpOnWrite(storage: Storage, versions: ScopeVersions): VersionedStores {
  const { sessions, episodes, memories, vectors } = storage;
  const after = async <T>(work: () => Promise<T>, namespaces: Iterable<string>): Promise<T> => {
    try {
      return await work();
    } finally {
      await Promise.all([...new Set(namespaces)].map((namespace) => versions.bump(namespace)));
    }
  };

  return {
    sessions: {
      put: (command) => after(() => sessions.put(command), [command.key.namespace]),
      get: (key) => sessions.get(key),
      list: (query) => sessions.list(query),
      count: (query) => sessions.count(query),
      append: (command) => after(() => sessions.append(command), [command.key.namespace]),
      delete: (key) => after(() => sessions.delete(key), [key.namespace]),
      async sweepExpired() {
        const expired = await sessions.sweepExpired();
        if (expired > 0) await versions.bumpAll();
        return expired;
      },
    },
    episodes: {
      append: (list) => after(() => episodes.append(list), list.map((episode) => episode.namespace)),
      get: (ref) => episodes.get(ref),
      list: (query) => episodes.list(query),
      delete: (ref) => after(() => episodes.delete(ref), [ref.namespace]),
      search: (query) => episodes.search(query),
      neighbours: (query) => episodes.neighbours(query),
    },
    memories: {
      upsert: (drafts) => after(() => memories.upsert(drafts), drafts.map((draft) => draft.memory.namespace)),
      get: (ref) => memories.get(ref),
      list: (query) => memories.list(query),
      update: (command) => after(() => memories.update(command), [command.ref.namespace]),
      delete: (ref) => after(() => memories.delete(ref), [ref.namespace]),
      history: (ref) => memories.history(ref),
      search: (query) => memories.search(query),
      // A confirmation changes what search and context answers say (`lastConfirmedAt`, `stale`).
      confirm: (ref) => after(() => memories.confirm(ref), [ref.namespace]),
      retract: (command) => after(() => memories.retract(command), [command.ref.namespace]),
      supersede: (command) => after(() => memories.supersede(command), [command.ref.namespace]),
      noteConflicts: (ref, marks) => after(() => memories.noteConflicts(ref, marks), [ref.namespace]),
    },
    vectors: {
      search: <T extends Tier>(query: VectorQuery<T>) => vectors.search(query),
      nearestMemories: (query) => vectors.nearestMemories(query),
      put: (writes) => after(() => vectors.put(writes), writes.map((write) => write.namespace)),
      pending: (query) => vectors.pending(query),
      progress: (query) => vectors.progress(query),
      // A refusal changes the embedding state that records show, in search answers too.
      fail: (failures, policy) => after(() => vectors.fail(failures, policy), failures.map((failure) => failure.namespace)),
      async retryFailed() {
        const retried = await vectors.retryFailed();
        if (retried > 0) await versions.bumpAll();
        return retried;
      },
    },
  };
}
