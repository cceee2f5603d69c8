import { isMemosId, type MemosClient } from '@memos/client';

/** Where the Mastra records of one store live in memOS. */
export interface MemosScope {
  /** The client: it carries memOS's URL, key and namespace. Nothing this store does leaves that namespace. */
  client: MemosClient;
  /**
   * memOS `agentId` stamped on every record this store writes and required of every record it reads,
   * so that two Mastra applications can share a namespace without seeing each other's threads.
   */
  agentId?: string;
}

/** Throws a clear error unless `value` can be a memOS id; `field` names the Mastra field it came from. */
export function memosId(value: unknown, field: string): string {
  if (!isMemosId(value)) {
    throw new TypeError(`${field} must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ - to be stored in memOS (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** The error of a Mastra storage method that memOS cannot carry. */
export function notSupported(method: string, why: string): Error {
  return new Error(`${method} is not supported by memOS (@memos/mastra): ${why}`);
}

/** Episode metadata keys. memOS filters on top-level scalar metadata, so each fact is its own key. */
export const META = {
  /** What the episode holds: `message`, `thread` or `resource`. */
  record: 'mastra.record',
  id: 'mastra.id',
  threadId: 'mastra.threadId',
  resourceId: 'mastra.resourceId',
  role: 'mastra.role',
  type: 'mastra.type',
  /** The Mastra message content (format 2), as a JSON string: nested JSON may be deeper than memOS allows. */
  content: 'mastra.content',
  title: 'mastra.title',
  /** Thread or resource metadata, as a JSON string. */
  metadata: 'mastra.metadata',
  createdAt: 'mastra.createdAt',
  updatedAt: 'mastra.updatedAt',
} as const;

/** Episode kinds: messages are memOS's own `message` kind, so that recall and context see them as conversation. */
export const KIND = { message: 'message', thread: 'mastra.thread', resource: 'mastra.resource' } as const;

/** The memory slot (`key`) of a resource's working memory. */
export const WORKING_MEMORY_KEY = 'mastra.working-memory';

/** Listing pages are at most this long (memOS's default `list.maxLimit`), and a scan reads at most MAX_PAGES of them. */
export const PAGE = 500;
export const MAX_PAGES = 200;
