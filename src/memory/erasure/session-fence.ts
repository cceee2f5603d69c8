// Session writes during an erasure. Sessions may live apart from the durable store (Redis), where
// no trigger can read the fence. So a session write that names a user checks the fence first and
// is refused, writing nothing, while one is up; and every session write checks it again after
// writing (its session's user may be known only then, or the fence may have gone up meanwhile): a write that finds
// a fence over its session's user (or namespace) erases that user's sessions again, its own
// included, and is refused with E_CONFLICT. A write that checked before the fence went up had
// finished before the erasure began, and the erasure's delete passes remove it. Either way, no
// session write that arrives after the erasure starts survives it.
//
// Sessions keep working while the durable store is down (promotions wait in the outbox), so a
// fence that cannot be read then is taken as none: an erasure cannot run without that store
// either. (The one gap: a replica cut off from the store while another erases through it; the
// erasure's verification then finds the session and its receipt says so.)

import type { ErasureStore, SessionErasure, SessionWrite, WorkingMemoryStore } from '../../core/ports.js';
import { isMemosError } from '../../core/errors.js';
import { erasureInProgress } from '../../storage/erasure-fence.js';

export function fenceSessions(sessions: WorkingMemoryStore, erasure: ErasureStore | undefined, eraser: SessionErasure | undefined): WorkingMemoryStore {
  if (erasure === undefined || eraser === undefined) return sessions;
  const fenced = (namespace: string, userId: string | undefined) =>
    erasure.fenced({ namespace, ...(userId === undefined ? {} : { userId }) }).catch((error: unknown) => {
      if (isMemosError(error) && error.code === 'E_STORAGE_UNAVAILABLE') return false;
      throw error;
    });
  /** Refuses, before anything is written, a write into a fenced subject (so that none keeps landing while an erasure verifies). */
  const before = async (namespace: string, userId: string | undefined): Promise<void> => {
    if (await fenced(namespace, userId)) throw erasureInProgress();
  };
  const checked = async (write: SessionWrite): Promise<SessionWrite> => {
    const { namespace, userId } = write.session;
    if (!(await fenced(namespace, userId))) return write;
    await eraser.erase(userId === undefined ? { namespace } : { namespace, userId });
    throw erasureInProgress();
  };
  return {
    put: async (command) => {
      await before(command.key.namespace, command.userId ?? command.key.userId);
      return checked(await sessions.put(command));
    },
    append: async (command) => {
      await before(command.key.namespace, command.userId ?? command.key.userId);
      return checked(await sessions.append(command));
    },
    get: (key) => sessions.get(key),
    delete: (key) => sessions.delete(key),
    sweepExpired: () => sessions.sweepExpired(),
    list: (query) => sessions.list(query),
    count: (query) => sessions.count(query),
  };
}
