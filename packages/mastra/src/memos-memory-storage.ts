import type { MastraDBMessage, StorageThreadType } from '@mastra/core/memory';
import {
  calculatePagination,
  jsonValueEquals,
  MemoryStorage,
  normalizePerPage,
  type StorageListMessagesByResourceIdInput,
  type StorageListMessagesInput,
  type StorageListMessagesOutput,
  type StorageListThreadsInput,
  type StorageListThreadsOutput,
  type StorageResourceType,
} from '@mastra/core/storage';
import { MessageLog } from './message-log.js';
import { contextWindow, pageMessages } from './message-paging.js';
import { META, memosId, notSupported, type MemosScope } from './memos-scope.js';
import { ObservationalMemoryUnsupported } from './observational-memory-unsupported.js';
import { episodeToMessage } from './record-codec.js';
import { ResourceLog } from './resource-log.js';
import { ThreadLog } from './thread-log.js';

type MessageUpdate = Parameters<MemoryStorage['updateMessages']>[0]['messages'][number];

/**
 * Mastra's memory storage domain on memOS: threads, messages, resources and working memory.
 * Threads and messages are episodes in the memOS session named by the thread id, owned by the
 * memOS user named by the resource id; a resource's working memory is a memOS memory in a slot.
 * Observational memory is not supported (each of its methods throws saying so).
 */
export class MemosMemoryStorage extends ObservationalMemoryUnsupported {
  override readonly supportsPartialThreadUpdate = true;
  readonly #scope: MemosScope;
  readonly #threads: ThreadLog;
  readonly #messages: MessageLog;
  readonly #resources: ResourceLog;

  constructor(scope: MemosScope) {
    super();
    if (scope?.client === undefined) throw new TypeError('client is required: a MemosClient for the namespace to store in');
    if (scope.agentId !== undefined) memosId(scope.agentId, 'agentId');
    this.#scope = { client: scope.client, ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }) };
    this.#threads = new ThreadLog(this.#scope);
    this.#messages = new MessageLog(this.#scope);
    this.#resources = new ResourceLog(this.#scope);
  }

  // ── Threads ───────────────────────────────────────────────────────────────

  async getThreadById({ threadId, resourceId }: { threadId: string; resourceId?: string }): Promise<StorageThreadType | null> {
    const thread = await this.#threads.get(threadId);
    return thread === null || (resourceId !== undefined && thread.resourceId !== resourceId) ? null : thread;
  }

  saveThread({ thread }: { thread: StorageThreadType }): Promise<StorageThreadType> {
    if (thread === null || typeof thread !== 'object') throw new TypeError('thread must be a Mastra thread object');
    return this.#threads.save(thread);
  }

  async updateThread({ id, title, metadata }: { id: string; title?: string; metadata?: Record<string, unknown> }): Promise<StorageThreadType> {
    const thread = await this.#threads.get(id);
    if (thread === null) throw new Error(`Thread ${id} not found`);
    return this.#threads.save({
      ...thread,
      ...(title === undefined ? {} : { title }),
      metadata: { ...thread.metadata, ...metadata },
      updatedAt: new Date(),
    });
  }

  deleteThread({ threadId }: { threadId: string }): Promise<void> {
    return this.#threads.delete(threadId);
  }

  async listThreads(args: StorageListThreadsInput): Promise<StorageListThreadsOutput> {
    const { page = 0, perPage: perPageInput, orderBy, filter } = args;
    const { field, direction } = this.parseOrderBy(orderBy);
    this.validatePaginationInput(page, perPageInput ?? 100);
    this.validateMetadataKeys(filter?.metadata);
    const perPage = normalizePerPage(perPageInput, 100);
    let threads = await this.#threads.list(filter?.resourceId);
    const wanted = Object.entries(filter?.metadata ?? {});
    if (wanted.length > 0) threads = threads.filter((thread) => wanted.every(([key, value]) => jsonValueEquals(thread.metadata?.[key], value)));
    const sign = direction === 'ASC' ? 1 : -1;
    threads.sort((a, b) => sign * (a[field].getTime() - b[field].getTime()) || a.id.localeCompare(b.id));
    const { offset, perPage: perPageForResponse } = calculatePagination(page, perPageInput, perPage);
    return { threads: threads.slice(offset, offset + perPage), total: threads.length, page, perPage: perPageForResponse, hasMore: offset + perPage < threads.length };
  }

  // ── Messages ──────────────────────────────────────────────────────────────

  async listMessages(args: StorageListMessagesInput): Promise<StorageListMessagesOutput> {
    const { threadId, resourceId, include, ...options } = args;
    const threadIds = Array.isArray(threadId) ? threadId : [threadId];
    if (threadIds.length === 0 || threadIds.some((id) => typeof id !== 'string' || id.trim() === '')) {
      throw new Error('threadId must be a non-empty string or array of non-empty strings');
    }
    const skipPage = options.perPage === 0;
    const candidates: MastraDBMessage[] = [];
    if (!skipPage) {
      for (const id of new Set(threadIds)) {
        candidates.push(...(await this.#messages.readMessages({ threadId: id, ...(resourceId === undefined ? {} : { resourceId }), range: options.filter?.dateRange ?? {} })));
      }
    }
    return pageMessages(candidates, options, await this.#included(include, resourceId));
  }

  override async listMessagesByResourceId(args: StorageListMessagesByResourceIdInput): Promise<StorageListMessagesOutput> {
    const { resourceId, include, ...options } = args;
    const candidates = options.perPage === 0 ? [] : await this.#messages.readMessages({ resourceId, range: options.filter?.dateRange ?? {} });
    return pageMessages(candidates, options, await this.#included(include, resourceId));
  }

  async listMessagesById({ messageIds }: { messageIds: string[] }): Promise<{ messages: MastraDBMessage[] }> {
    const found = await this.#messages.find(messageIds);
    const messages = [...found.values()].map(episodeToMessage);
    messages.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return { messages };
  }

  async saveMessages({ messages }: { messages: MastraDBMessage[] }): Promise<{ messages: MastraDBMessage[] }> {
    if (!Array.isArray(messages)) throw new TypeError('messages must be an array of Mastra messages');
    if (messages.length === 0) return { messages: [] };
    await this.#messages.save(messages);
    await this.#touchThreads(messages.map((message) => message.threadId));
    return { messages };
  }

  async updateMessages({ messages: updates }: { messages: MessageUpdate[] }): Promise<MastraDBMessage[]> {
    const found = await this.#messages.find(updates.map((update) => update.id));
    const updated: MastraDBMessage[] = [];
    const touched: Array<string | undefined> = [];
    for (const update of updates) {
      const episode = found.get(update.id);
      if (episode === undefined) continue;
      const current = episodeToMessage(episode);
      const { content, ...fields } = update;
      const next: MastraDBMessage = { ...current, ...(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<MastraDBMessage>) };
      if (content !== undefined) {
        next.content = { ...current.content, ...content } as MastraDBMessage['content'];
        if (current.content.metadata && content.metadata) next.content.metadata = { ...current.content.metadata, ...content.metadata };
      }
      updated.push(next);
      touched.push(current.threadId, next.threadId);
    }
    if (updated.length > 0) await this.#messages.save(updated);
    await this.#touchThreads(touched);
    return updated;
  }

  override async deleteMessages(messageIds: string[]): Promise<void> {
    if (!Array.isArray(messageIds) || messageIds.length === 0) return;
    const found = await this.#messages.find(messageIds);
    await this.#messages.delete(found.values());
    await this.#touchThreads([...found.values()].map((episode) => episode.metadata[META.threadId] as string));
  }

  /** Copies a thread and its messages (new ids) into a new thread, as Mastra's stores do. */
  override async copyThread(args: Parameters<MemoryStorage['copyThread']>[0]): ReturnType<MemoryStorage['copyThread']> {
    const { sourceThreadId, newThreadId = crypto.randomUUID(), resourceId, title, metadata, options } = args;
    const source = await this.#threads.get(sourceThreadId);
    if (source === null) throw new Error(`Source thread with id ${sourceThreadId} not found`);
    if ((await this.#threads.get(newThreadId)) !== null) throw new Error(`Thread with id ${newThreadId} already exists`);
    let messages = (await this.#messages.readMessages({ threadId: sourceThreadId })).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const { startDate, endDate, messageIds } = options?.messageFilter ?? {};
    if (messageIds?.length) messages = messages.filter((message) => messageIds.includes(message.id));
    if (startDate) messages = messages.filter((message) => message.createdAt >= startDate);
    if (endDate) messages = messages.filter((message) => message.createdAt <= endDate);
    if (options?.messageLimit && options.messageLimit > 0) messages = messages.slice(-options.messageLimit);
    const now = new Date();
    const thread: StorageThreadType = {
      id: newThreadId,
      resourceId: resourceId ?? source.resourceId,
      ...(title ?? source.title ? { title: title ?? `Clone of ${source.title}` } : {}),
      metadata: { ...metadata, clone: { sourceThreadId, clonedAt: now, ...(messages.length > 0 ? { lastMessageId: messages.at(-1)!.id } : {}) } },
      createdAt: now,
      updatedAt: now,
    };
    await this.#threads.save(thread);
    const messageIdMap: Record<string, string> = {};
    const copies = messages.map((message) => {
      const id = crypto.randomUUID();
      messageIdMap[message.id] = id;
      return { ...message, id, threadId: newThreadId, resourceId: resourceId ?? message.resourceId ?? thread.resourceId };
    });
    if (copies.length > 0) await this.#messages.save(copies);
    return { thread, messageIdMap };
  }

  // ── Resources and working memory ──────────────────────────────────────────

  override getResourceById({ resourceId }: { resourceId: string }): Promise<StorageResourceType | null> {
    return this.#resources.get(resourceId);
  }

  override saveResource({ resource }: { resource: StorageResourceType }): Promise<StorageResourceType> {
    return this.#resources.save(resource);
  }

  override updateResource(input: { resourceId: string; workingMemory?: string; metadata?: Record<string, unknown> }): Promise<StorageResourceType> {
    return this.#resources.update(input);
  }

  async dangerouslyClearAll(): Promise<void> {
    throw notSupported('dangerouslyClearAll', 'erase the namespace instead (client.erasure.eraseNamespace), which memOS verifies across every tier');
  }

  // ── Helpers ───────────────────────────────────────────────────────────────

  /**
   * The messages `include` names, within `resourceId` when given (a message of another resource is
   * left out). An entry that names its thread (semantic recall's do) is found by reading that
   * thread; one that does not is looked up by id.
   */
  async #included(include: StorageListMessagesInput['include'], resourceId: string | undefined): Promise<MastraDBMessage[]> {
    if (!include || include.length === 0) return [];
    const threads = new Map<string, MastraDBMessage[]>();
    const threadOf = async (threadId: string) => {
      let thread = threads.get(threadId);
      if (thread === undefined) {
        thread = await this.#messages.readMessages({ threadId, ...(resourceId === undefined ? {} : { resourceId }) });
        threads.set(threadId, thread);
      }
      return thread;
    };
    const unplaced = include.filter((item) => item.threadId === undefined);
    const found = unplaced.length === 0 ? new Map() : await this.#messages.find(unplaced.map((item) => item.id));
    const out: MastraDBMessage[] = [];
    for (const item of include) {
      const threadId = item.threadId ?? (found.get(item.id)?.metadata[META.threadId] as string | undefined);
      if (threadId === undefined) continue;
      out.push(...contextWindow(await threadOf(threadId), item.id, item.withPreviousMessages, item.withNextMessages));
    }
    return out;
  }

  /** Moves the threads' `updatedAt` to now, as Mastra's stores do when their messages change. */
  async #touchThreads(threadIds: Array<string | undefined>): Promise<void> {
    for (const threadId of new Set(threadIds)) {
      if (threadId === undefined) continue;
      const thread = await this.#threads.get(threadId);
      if (thread !== null) await this.#threads.save({ ...thread, updatedAt: new Date() });
    }
  }
}
