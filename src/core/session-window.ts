import { toIso } from './clock.js';
import { MemosError } from './errors.js';
import type { IdGenerator } from './ids.js';
import type { AppendMessages, PutSession, SessionKey, SessionWrite } from './ports.js';
import type { Episode, Message, Session } from './types.js';

/** Splits a session's messages into those the window keeps and the oldest ones that overflow it. */
export function splitWindow(messages: Message[], window: number): { kept: Message[]; overflow: Message[] } {
  const cut = Math.max(0, messages.length - window);
  return { overflow: messages.slice(0, cut), kept: messages.slice(cut) };
}

/** The episodes that promoted messages become: kind `message`, in the session's scope, at the message's time. */
export function promoteMessages(
  session: Pick<Session, 'namespace' | 'sessionId' | 'userId' | 'agentId'>,
  messages: Message[],
  ids: IdGenerator,
  createdAt: string,
): Episode[] {
  return messages.map((message) => ({
    id: ids.next('ep'),
    namespace: session.namespace,
    ...(session.userId === undefined ? {} : { userId: session.userId }),
    ...(session.agentId === undefined ? {} : { agentId: session.agentId }),
    sessionId: session.sessionId,
    kind: 'message',
    role: message.role,
    content: message.content,
    occurredAt: message.createdAt,
    createdAt,
    metadata: {
      ...(message.metadata ?? {}),
      ...(message.name === undefined ? {} : { name: message.name }),
      promotedFrom: 'session',
    },
    embedding: { status: 'pending' },
  }));
}

/**
 * The messages of a live session that a put replacing it with `messages` drops: those whose role,
 * name and content the new list no longer holds, repeats counted (a message sent again, with or
 * without its `createdAt`, is kept, not promoted). Oldest first.
 */
export function replacedMessages(live: Session | null, messages: Message[]): Message[] {
  if (live === null) return [];
  const identity = (message: Message) => JSON.stringify([message.role, message.name ?? null, message.content]);
  const remaining = new Map<string, number>();
  for (const message of messages) remaining.set(identity(message), (remaining.get(identity(message)) ?? 0) + 1);
  return live.messages.filter((message) => {
    const left = remaining.get(identity(message)) ?? 0;
    if (left > 0) remaining.set(identity(message), left - 1);
    return left === 0;
  });
}

/**
 * The session a put writes: the command's content, keeping the creation time of the live session
 * it replaces (whose dropped messages the store promotes, see `replacedMessages`). `expiresAt` is
 * the store's to set when it writes.
 */
export function sessionFromPut(command: PutSession, live: Session | null, now: number): Session {
  const userId = ownerWithinReach(command.key, live, command.userId);
  return {
    sessionId: command.key.sessionId,
    namespace: command.key.namespace,
    ...(userId === undefined ? {} : { userId }),
    ...(command.agentId === undefined ? {} : { agentId: command.agentId }),
    messages: command.messages,
    state: command.state,
    ...(command.summary === undefined ? {} : { summary: command.summary }),
    ttlSeconds: command.ttlSeconds,
    createdAt: live ? live.createdAt : toIso(now),
    updatedAt: toIso(now),
    expiresAt: toIso(now),
  };
}

/**
 * The session an append writes: the live one (or a new, empty one) with the messages added, the
 * owner the command names set where the session has none, and the TTL it names. An owner other
 * than the live session's is an E_CONFLICT: the messages belong to someone else's conversation.
 * `expiresAt` is the store's to set.
 */
export function sessionAfterAppend(command: AppendMessages, live: Session | null, now: number): Session {
  const userId = ownerWithinReach(command.key, live, command.userId);
  const base: Session = live ?? {
    sessionId: command.key.sessionId,
    namespace: command.key.namespace,
    messages: [],
    state: {},
    ttlSeconds: command.ttlSeconds,
    createdAt: toIso(now),
    updatedAt: toIso(now),
    expiresAt: toIso(now),
  };
  for (const field of ['userId', 'agentId'] as const) {
    const [named, owner] = [field === 'userId' ? userId : command[field], base[field]];
    if (named !== undefined && owner !== undefined && named !== owner) {
      throw new MemosError('E_CONFLICT', `${field}: session '${command.key.sessionId}' belongs to another ${field === 'userId' ? 'user' : 'agent'}; append without ${field}, or name its own`, {
        details: { field },
      });
    }
  }
  return {
    ...base,
    ...(userId === undefined ? {} : { userId }),
    ...(command.agentId === undefined ? {} : { agentId: command.agentId }),
    ...(command.ttlOverride === undefined ? {} : { ttlSeconds: command.ttlOverride }),
    messages: [...base.messages, ...command.messages],
    updatedAt: toIso(now),
  };
}

/**
 * The owner a write through `key` gives the session, after checking that it may touch `live`.
 * A key bound to a user reaches only that user's sessions: a live session of another user, or of
 * none, is an E_CONFLICT (whose text names neither owner), and so is a command naming another
 * owner than the key's. The owner is the one the command names, else the key's user.
 */
function ownerWithinReach(key: SessionKey, live: Session | null, named: string | undefined): string | undefined {
  if (key.userId === undefined) return named;
  if ((live !== null && live.userId !== key.userId) || (named !== undefined && named !== key.userId)) {
    throw new MemosError('E_CONFLICT', `userId: session '${key.sessionId}' belongs to another user`, { details: { field: 'userId' } });
  }
  return key.userId;
}

/**
 * What a write through `key` answers: the episodes it promoted that are within the key's reach.
 * Those of an expired session of another user are still promoted, in that user's scope, but a
 * key bound to a user is not told of them (it would learn that the session had existed).
 */
export function withinReach(key: SessionKey, write: SessionWrite): SessionWrite {
  if (key.userId === undefined) return write;
  return { ...write, promoted: write.promoted.filter((episode) => episode.userId === key.userId) };
}

/** A read refreshes a session's idle TTL at most once per this share of the TTL, and at least once a minute. */
export const TTL_REFRESH_SHARE = 0.1;
export const TTL_REFRESH_MAX_MS = 60_000;

/**
 * The deadline a read at `now` moves a live session to, or undefined when the refresh is not due:
 * reads are debounced, so that a session read often is written at most once per step (a tenth of
 * its TTL, at most a minute). A session then expires at most one step early after its last read.
 */
export function refreshedDeadline(deadline: number, ttlSeconds: number, now: number): number | undefined {
  const next = now + ttlSeconds * 1000;
  return next - deadline >= Math.min(ttlSeconds * 1000 * TTL_REFRESH_SHARE, TTL_REFRESH_MAX_MS) ? next : undefined;
}
