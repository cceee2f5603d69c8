// The service-level guard (DESIGN §9): whatever a route or tool passes, a reference that carries
// a user-bound key's `userId` never reaches another user's record. Each call checks the record's
// owner through the store before it is read, changed or deleted, and answers as the store does
// for a missing record. The stores filter by the same `userId` themselves (and PostgreSQL's
// row-level security once more); this layer keeps the guarantee in one place for every adapter.

import { MemosError } from '../core/errors.js';
import type { EpisodeStore, RecordRef, SemanticStore, SessionKey, WorkingMemoryStore } from '../core/ports.js';

interface GuardedStores {
  sessions: WorkingMemoryStore;
  episodes: EpisodeStore;
  memories: SemanticStore;
}

/** Without the user: how the store is asked who owns a record. */
const unbound = <T extends { userId?: string }>({ userId: _userId, ...rest }: T): Omit<T, 'userId'> => rest;

export function guardReach<S extends GuardedStores>(stores: S): S {
  const { sessions, episodes, memories } = stores;
  const owns = async (ref: RecordRef, read: (ref: RecordRef) => Promise<{ userId?: string } | null>): Promise<boolean> =>
    ref.userId === undefined || (await read(unbound(ref)))?.userId === ref.userId;
  // Whether a live session is the key's user's, another's, or missing (the store's filter answers first).
  const sessionOwned = async (key: SessionKey): Promise<'missing' | 'owned' | 'foreign'> => {
    if (key.userId === undefined) return 'owned';
    const session = await sessions.get(key);
    if (session === null) {
      const any = await sessions.get(unbound(key));
      return any === null ? 'missing' : 'foreign';
    }
    return session.userId === key.userId ? 'owned' : 'foreign';
  };
  const outOfReach = (key: SessionKey) => new MemosError('E_CONFLICT', `session '${key.sessionId}' exists outside this key's reach; choose another session id`);

  return {
    ...stores,
    sessions: {
      sweepExpired: () => sessions.sweepExpired(),
      async get(key) {
        const session = await sessions.get(key);
        return session !== null && (key.userId === undefined || session.userId === key.userId) ? session : null;
      },
      async delete(key) {
        return (await sessionOwned(key)) === 'owned' && sessions.delete(key);
      },
      async put(command) {
        if ((await sessionOwned(command.key)) === 'foreign') throw outOfReach(command.key);
        return sessions.put(command);
      },
      async append(command) {
        if ((await sessionOwned(command.key)) === 'foreign') throw outOfReach(command.key);
        return sessions.append(command);
      },
    },
    episodes: {
      append: (list) => episodes.append(list),
      list: (query) => episodes.list(query),
      search: (query) => episodes.search(query),
      neighbours: (query) => episodes.neighbours(query),
      async get(ref) {
        const episode = await episodes.get(ref);
        return episode !== null && (ref.userId === undefined || episode.userId === ref.userId) ? episode : null;
      },
      async delete(ref) {
        return (await owns(ref, (unboundRef) => episodes.get(unboundRef))) && episodes.delete(ref);
      },
    },
    memories: {
      upsert: (drafts) => memories.upsert(drafts),
      list: (query) => memories.list(query),
      search: (query) => memories.search(query),
      async get(ref) {
        const memory = await memories.get(ref);
        return memory !== null && (ref.userId === undefined || memory.userId === ref.userId) ? memory : null;
      },
      async update(command) {
        return (await owns(command.ref, (ref) => memories.get(ref))) ? memories.update(command) : null;
      },
      async delete(ref) {
        return (await owns(ref, (unboundRef) => memories.get(unboundRef))) && memories.delete(ref);
      },
      async history(ref) {
        return (await owns(ref, (unboundRef) => memories.get(unboundRef))) ? memories.history(ref) : null;
      },
    },
  };
}
