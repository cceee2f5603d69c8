import { toIso, type Clock } from '../../core/clock.js';
import { notFound } from '../../core/errors.js';
import type { SessionKey, SessionWrite, WorkingMemoryStore } from '../../core/ports.js';
import type { Message, MessageRole, Metadata, Session } from '../../core/types.js';

export interface MessageInput {
  role: MessageRole;
  content: string;
  name?: string;
  createdAt?: string;
  metadata?: Metadata;
}

/** A session's fields as a put sets them; `userId` is its owner. */
export interface PutSessionInput {
  userId?: string;
  agentId?: string;
  messages?: MessageInput[];
  state?: Metadata;
  summary?: string;
  ttlSeconds?: number;
}

/** What an append may say about the session it creates: its owner and idle TTL (see AppendMessages for a live one). */
export interface AppendOptions {
  userId?: string;
  agentId?: string;
  ttlSeconds?: number;
}

export interface SessionServiceOptions {
  store: WorkingMemoryStore;
  clock: Clock;
  defaults: { ttlSeconds: number; window: number };
}

/** Short-term memory: the running conversation of a session, with idle expiry and window promotion. */
export function createSessionService({ store, clock, defaults }: SessionServiceOptions) {
  const stamp = (messages: MessageInput[] = []): Message[] => {
    const now = toIso(clock.now());
    return messages.map((message) => ({ ...message, createdAt: message.createdAt ?? now }));
  };

  return {
    /** Creates or replaces the session `key` names (within `key.userId`'s reach, when set). */
    put(key: SessionKey, input: PutSessionInput): Promise<SessionWrite> {
      return store.put({
        key,
        ...(input.userId === undefined ? {} : { userId: input.userId }),
        ...(input.agentId === undefined ? {} : { agentId: input.agentId }),
        ...(input.summary === undefined ? {} : { summary: input.summary }),
        messages: stamp(input.messages),
        state: input.state ?? {},
        ttlSeconds: input.ttlSeconds ?? defaults.ttlSeconds,
        window: defaults.window,
      });
    },

    async get(key: SessionKey): Promise<Session> {
      const session = await store.get(key);
      if (session === null) throw notFound('session', key.sessionId);
      return session;
    },

    append(key: SessionKey, messages: MessageInput[], options: AppendOptions = {}): Promise<SessionWrite> {
      return store.append({
        key,
        messages: stamp(messages),
        window: defaults.window,
        ttlSeconds: options.ttlSeconds ?? defaults.ttlSeconds,
        ...(options.ttlSeconds === undefined ? {} : { ttlOverride: options.ttlSeconds }),
        ...(options.userId === undefined ? {} : { userId: options.userId }),
        ...(options.agentId === undefined ? {} : { agentId: options.agentId }),
      });
    },

    async delete(key: SessionKey): Promise<void> {
      if (!(await store.delete(key))) throw notFound('session', key.sessionId);
    },

    sweepExpired(): Promise<number> {
      return store.sweepExpired();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
