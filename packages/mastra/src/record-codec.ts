// Mastra records as memOS episodes, and back. A message keeps its full Mastra content as JSON in
// metadata (so that it round-trips) and its plain text as the episode's content (what memOS
// embeds and searches).
import type { Episode, EpisodeDraft } from '@memos/client';
import type { MastraDBMessage, StorageThreadType } from '@mastra/core/memory';
import type { StorageResourceType } from '@mastra/core/storage';
import { KIND, META, memosId } from './memos-scope.js';

const MEMOS_ROLES = new Set(['user', 'assistant', 'system', 'tool']);

/** A date that Mastra may hand over as a Date or as its ISO string. */
export function toDate(value: unknown, field: string): Date {
  const date = value instanceof Date ? value : new Date(value as string);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${field} must be a date (got ${JSON.stringify(value)})`);
  return date;
}

/** The text of a message: its `content` string, else its text parts, else a one-line description. */
export function messageText(message: Pick<MastraDBMessage, 'role' | 'content'>): string {
  const { content } = message;
  if (typeof content?.content === 'string' && content.content.trim() !== '') return content.content;
  const parts = Array.isArray(content?.parts) ? content.parts : [];
  const text = parts
    .filter((part) => part.type === 'text')
    .map((part) => (part as { text: string }).text)
    .join(' ')
    .trim();
  if (text !== '') return text;
  const tools = parts.flatMap((part) => (part.type === 'tool-invocation' ? [part.toolInvocation.toolName] : []));
  return tools.length > 0 ? `[${message.role} called ${tools.join(', ')}]` : `[${message.role} message without text]`;
}

export function messageToEpisode(message: MastraDBMessage, index: number): EpisodeDraft {
  const at = `messages[${index}]`;
  if (message === null || typeof message !== 'object') throw new TypeError(`${at} must be a Mastra message object`);
  const id = memosId(message.id, `${at}.id`);
  const threadId = memosId(message.threadId, `${at}.threadId`);
  const resourceId = message.resourceId == null ? undefined : memosId(message.resourceId, `${at}.resourceId`);
  const createdAt = toDate(message.createdAt, `${at}.createdAt`).toISOString();
  if (message.content === null || typeof message.content !== 'object') throw new TypeError(`${at}.content must be a Mastra message content object (format 2)`);
  return {
    kind: KIND.message,
    content: messageText(message),
    sessionId: threadId,
    ...(resourceId === undefined ? {} : { userId: resourceId }),
    ...(MEMOS_ROLES.has(message.role) ? { role: message.role as 'user' | 'assistant' | 'system' } : {}),
    occurredAt: createdAt,
    metadata: {
      [META.record]: 'message',
      [META.id]: id,
      [META.threadId]: threadId,
      ...(resourceId === undefined ? {} : { [META.resourceId]: resourceId }),
      [META.role]: message.role,
      ...(message.type === undefined ? {} : { [META.type]: message.type }),
      [META.content]: JSON.stringify(message.content),
      [META.createdAt]: createdAt,
    },
  };
}

export function episodeToMessage(episode: Episode): MastraDBMessage {
  const meta = episode.metadata;
  const resourceId = meta[META.resourceId];
  return {
    id: meta[META.id] as string,
    threadId: meta[META.threadId] as string,
    ...(typeof resourceId === 'string' ? { resourceId } : {}),
    role: meta[META.role] as MastraDBMessage['role'],
    ...(typeof meta[META.type] === 'string' ? { type: meta[META.type] as string } : {}),
    createdAt: new Date((meta[META.createdAt] as string | undefined) ?? episode.occurredAt),
    content: JSON.parse(meta[META.content] as string) as MastraDBMessage['content'],
  };
}

export function threadToEpisode(thread: StorageThreadType): EpisodeDraft {
  const id = memosId(thread.id, 'thread.id');
  const resourceId = memosId(thread.resourceId, 'thread.resourceId');
  const createdAt = toDate(thread.createdAt, 'thread.createdAt').toISOString();
  const title = typeof thread.title === 'string' && thread.title.trim() !== '' ? thread.title : undefined;
  return {
    kind: KIND.thread,
    content: title === undefined ? `Mastra thread ${id}` : `Mastra thread: ${title}`,
    sessionId: id,
    userId: resourceId,
    occurredAt: createdAt,
    metadata: {
      [META.record]: 'thread',
      [META.id]: id,
      [META.threadId]: id,
      [META.resourceId]: resourceId,
      ...(thread.title === undefined ? {} : { [META.title]: thread.title }),
      [META.metadata]: JSON.stringify(thread.metadata ?? {}),
      [META.createdAt]: createdAt,
      [META.updatedAt]: toDate(thread.updatedAt ?? thread.createdAt, 'thread.updatedAt').toISOString(),
    },
  };
}

export function episodeToThread(episode: Episode): StorageThreadType {
  const meta = episode.metadata;
  return {
    id: meta[META.id] as string,
    resourceId: meta[META.resourceId] as string,
    ...(typeof meta[META.title] === 'string' ? { title: meta[META.title] as string } : {}),
    metadata: JSON.parse((meta[META.metadata] as string | undefined) ?? '{}') as Record<string, unknown>,
    createdAt: new Date(meta[META.createdAt] as string),
    updatedAt: new Date(meta[META.updatedAt] as string),
  };
}

/** A resource's record (its metadata and times); its working memory is a memory, not part of it. */
export function resourceToEpisode(resource: Omit<StorageResourceType, 'workingMemory'>): EpisodeDraft {
  const id = memosId(resource.id, 'resource.id');
  return {
    kind: KIND.resource,
    content: `Mastra resource ${id}`,
    userId: id,
    occurredAt: toDate(resource.createdAt, 'resource.createdAt').toISOString(),
    metadata: {
      [META.record]: 'resource',
      [META.id]: id,
      [META.resourceId]: id,
      [META.metadata]: JSON.stringify(resource.metadata ?? {}),
      [META.createdAt]: toDate(resource.createdAt, 'resource.createdAt').toISOString(),
      [META.updatedAt]: toDate(resource.updatedAt ?? resource.createdAt, 'resource.updatedAt').toISOString(),
    },
  };
}

export function episodeToResource(episode: Episode): Omit<StorageResourceType, 'workingMemory'> {
  const meta = episode.metadata;
  return {
    id: meta[META.id] as string,
    metadata: JSON.parse((meta[META.metadata] as string | undefined) ?? '{}') as Record<string, unknown>,
    createdAt: new Date(meta[META.createdAt] as string),
    updatedAt: new Date(meta[META.updatedAt] as string),
  };
}
