// Whose memory the tools and the middleware work in, and the checks that run when they are made:
// bad options fail at set-up, naming the field, rather than as a 400 in the middle of a model call.
import { isMemosId, MemosError, type MemosClient } from '@memos/client';

/**
 * Whose memory the adapter reads and writes. The namespace is not here: it is the client's
 * (its key, or its `namespace` option), so that nothing the adapter does can leave it.
 */
export interface MemosScope {
  /** The user whose memories are read and written (memOS `userId`). Required. */
  userId: string;
  /** The agent that holds them (memOS `agentId`): part of a memory's identity, so that two agents may know different things about one user. */
  agentId?: string;
  /** The conversation (memOS session): where turns are appended, and where memories are learned (provenance, not identity). */
  sessionId?: string;
}

const ID_RULE = '1 to 128 letters, digits or . _ : @ -';

/** A `MemosError` with code `E_VALIDATION` for bad adapter options, raised before any request. */
export function invalid(where: string, field: string, rule: string): MemosError {
  return new MemosError('E_VALIDATION', `${where}: ${field} ${rule}`);
}

/** Checks the client and scope given to `memosTools` or `memosMiddleware`, and answers a copy of the scope. */
export function checkScope(where: string, client: MemosClient | undefined, scope: MemosScope | undefined): MemosScope {
  if (client === null || typeof client !== 'object' || typeof (client as Partial<MemosClient>).search !== 'function') {
    throw invalid(where, 'client', 'must be a MemosClient from @memos/client');
  }
  if (scope === null || typeof scope !== 'object') throw invalid(where, 'scope', 'is required: { userId, agentId?, sessionId? }');
  const checked: MemosScope = { userId: checkId(where, 'scope.userId', scope.userId, true) as string };
  const agentId = checkId(where, 'scope.agentId', scope.agentId, false);
  const sessionId = checkId(where, 'scope.sessionId', scope.sessionId, false);
  if (agentId !== undefined) checked.agentId = agentId;
  if (sessionId !== undefined) checked.sessionId = sessionId;
  return checked;
}

function checkId(where: string, field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (value === undefined || value === null || value === '') throw invalid(where, field, `is required (${ID_RULE})`);
  if (!isMemosId(value)) throw invalid(where, field, `must be ${ID_RULE}`);
  return value;
}

/** Checks an optional integer option against memOS's bounds for it. */
export function checkInteger(where: string, field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(where, field, `must be an integer from ${min} to ${max}`);
}

/** The user and agent filters of a read: the scope's identity, never its session (which would narrow recall to one conversation). */
export function identityOf(scope: MemosScope): { userId: string; agentId?: string } {
  return scope.agentId === undefined ? { userId: scope.userId } : { userId: scope.userId, agentId: scope.agentId };
}
