// The service-level guard (DESIGN §9): whatever a route or tool passes, a record read through a
// reference that carries a user-bound key's `userId` is returned only when it is that user's;
// otherwise the caller gets what a missing record gives (null). The stores filter changes and
// deletes by the same `userId` themselves (their contract suites check it on every backend, and
// PostgreSQL's row-level security checks it once more), so this layer adds no I/O: it checks what
// comes back, in one place for every adapter.

import type { EpisodeStore, SemanticStore, WorkingMemoryStore } from '../core/ports.js';

interface GuardedStores {
  sessions: WorkingMemoryStore;
  episodes: EpisodeStore;
  memories: SemanticStore;
}

/** The record when the reference names no user or names its owner; null otherwise. */
const within = <T extends { userId?: string }>(reach: { userId?: string }, record: T | null): T | null =>
  record !== null && (reach.userId === undefined || record.userId === reach.userId) ? record : null;

export function guardReach<S extends GuardedStores>(stores: S): S {
  const { sessions, episodes, memories } = stores;
  return {
    ...stores,
    sessions: {
      put: (command) => sessions.put(command),
      append: (command) => sessions.append(command),
      delete: (key) => sessions.delete(key),
      sweepExpired: () => sessions.sweepExpired(),
      count: (query) => sessions.count(query),
      get: async (key) => within(key, await sessions.get(key)),
      list: async (query) => {
        const page = await sessions.list(query);
        return { ...page, items: page.items.filter((session) => within(query, session) !== null) };
      },
    },
    episodes: {
      append: (list) => episodes.append(list),
      list: (query) => episodes.list(query),
      delete: (ref) => episodes.delete(ref),
      search: (query) => episodes.search(query),
      neighbours: (query) => episodes.neighbours(query),
      get: async (ref) => within(ref, await episodes.get(ref)),
    },
    memories: {
      upsert: (drafts) => memories.upsert(drafts),
      list: (query) => memories.list(query),
      delete: (ref) => memories.delete(ref),
      history: (ref) => memories.history(ref),
      search: (query) => memories.search(query),
      get: async (ref) => within(ref, await memories.get(ref)),
      update: (command) => memories.update(command),
      // The stores confirm only within `ref`'s user; what comes back is checked like a read.
      confirm: async (ref) => within(ref, await memories.confirm(ref)),
      retract: async (command) => within(command.ref, await memories.retract(command)),
      supersede: async (command) => within(command.ref, await memories.supersede(command)),
      noteConflicts: async (ref, marks) => within(ref, await memories.noteConflicts(ref, marks)),
    },
  };
}
