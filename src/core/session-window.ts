import type { IdGenerator } from './ids.js';
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
