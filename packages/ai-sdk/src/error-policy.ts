// What the middleware does when memOS cannot be reached or refuses a request. The default is to
// throw: a model call that silently went without its memory, or a turn that silently went
// unrecorded, is a bug nobody sees. Going on without memOS is a choice the caller makes by name.
import { isMemosError } from '@memos/client';

/** The step of a call that needed memOS: reading the context bundle before it, or appending the turn after it. */
export type MemosStage = 'context' | 'append';

/**
 * What the middleware does when a memOS request fails:
 * - `'throw'` (default): the model call fails with memOS's error (a `MemosError`); for a stream
 *   whose turn could not be appended, the stream ends with that error after the model's output;
 * - `'continue'`: the call goes on without the context (or without appending), and the failure is
 *   reported with `console.warn` (its code and stage, never memory text);
 * - a function: the call goes on, and the function is told instead of `console.warn`.
 *
 * An aborted call is never "continued": the abort is thrown whatever the policy.
 */
export type MemosErrorPolicy = 'throw' | 'continue' | ((error: unknown, stage: MemosStage) => void);

/** Runs `task` under the policy: its answer, or undefined when it failed and the policy goes on. */
export async function underPolicy<T>(policy: MemosErrorPolicy, stage: MemosStage, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (error) {
    if (policy === 'throw' || signal?.aborted) throw error;
    if (policy === 'continue') console.warn(`@memos/ai-sdk: memOS ${stage} failed (${isMemosError(error) ? error.code : 'error'}); the call goes on without it`);
    else policy(error, stage);
    return undefined;
  }
}
