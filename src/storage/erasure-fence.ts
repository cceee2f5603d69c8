// The fence of a verified erasure as both engines raise it: while an erasure of a user (or of a
// whole namespace) runs, a trigger refuses every insert of an episode or memory in its scope, on
// every process that shares the store. Both adapters turn the engine's error into this one conflict.

import { MemosError } from '../core/errors.js';

/** The text of SQLite's RAISE(ABORT, ...) and of PostgreSQL's RAISE EXCEPTION; no id or text in it. */
export const ERASURE_FENCE_MESSAGE = 'memos: erasure in progress';
/** The SQLSTATE the PostgreSQL trigger raises (class 'ME', memOS's own). */
export const ERASURE_FENCE_SQLSTATE = 'ME001';

/** The answer to a write the fence refused: 409, retry once the erasure has finished. */
export function erasureInProgress(cause?: unknown): MemosError {
  return new MemosError('E_CONFLICT', 'an erasure of this user (or namespace) is in progress: the write is refused; retry once it has finished', {
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Whether an engine error is the fence's refusal. */
export function isFenceError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === ERASURE_FENCE_SQLSTATE || (typeof message === 'string' && message.includes(ERASURE_FENCE_MESSAGE));
}
