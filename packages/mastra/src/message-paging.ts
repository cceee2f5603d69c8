// Filtering, ordering and paging of messages read from memOS, with the semantics of Mastra's own
// in-memory store (the reference the other adapters follow).
import type { MastraDBMessage } from '@mastra/core/memory';
import {
  calculatePagination,
  filterByDateRange,
  normalizePerPage,
  storageMessageMatchesMetadataFilter,
  validateStorageMetadataFilter,
  type StorageListMessagesInput,
  type StorageListMessagesOutput,
} from '@mastra/core/storage';

type ListOptions = Omit<StorageListMessagesInput, 'threadId' | 'resourceId' | 'include'>;

const byCreatedAt = (direction: 'ASC' | 'DESC') => (a: MastraDBMessage, b: MastraDBMessage) => {
  const delta = new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
  return (direction === 'ASC' ? delta : -delta) || a.id.localeCompare(b.id);
};

export function sortDirection(orderBy: ListOptions['orderBy']): 'ASC' | 'DESC' {
  return orderBy?.direction === 'DESC' ? 'DESC' : 'ASC';
}

/**
 * One page of `candidates` (the messages of the threads asked for) plus `included` (the messages
 * an `include` asked for, which are added whatever the page), as Mastra's stores answer it.
 */
export function pageMessages(candidates: MastraDBMessage[], options: ListOptions, included: MastraDBMessage[]): StorageListMessagesOutput {
  const { perPage: perPageInput, page = 0, filter, orderBy } = options;
  const metadataFilter = validateStorageMetadataFilter(filter?.metadata);
  const perPage = normalizePerPage(perPageInput, 40);
  if (!Number.isInteger(page) || page < 0) throw new Error('page must be a whole number >= 0');
  const { offset, perPage: perPageForResponse } = calculatePagination(page, perPageInput, perPage);
  const direction = sortDirection(orderBy);

  let matching = filterByDateRange(candidates, (message) => new Date(message.createdAt), filter?.dateRange);
  matching = matching.filter((message) => storageMessageMatchesMetadataFilter(message.content, metadataFilter));
  matching.sort(byCreatedAt(direction));
  const total = perPage === 0 ? 0 : matching.length;
  const pageItems = perPage === 0 ? [] : matching.slice(offset, offset + perPage);

  const seen = new Set(pageItems.map((message) => message.id));
  const messages = [...pageItems];
  for (const message of included) {
    if (seen.has(message.id)) continue;
    seen.add(message.id);
    messages.push(message);
  }
  messages.sort(byCreatedAt(direction));
  return { messages, total, page, perPage: perPageForResponse, hasMore: perPage !== 0 && offset + pageItems.length < total };
}

/**
 * The messages an `include` entry names: the target and up to `withPreviousMessages` before and
 * `withNextMessages` after it in its thread (`thread`, oldest first).
 */
export function contextWindow(thread: MastraDBMessage[], targetId: string, before = 0, after = 0): MastraDBMessage[] {
  const ordered = [...thread].sort(byCreatedAt('ASC'));
  const index = ordered.findIndex((message) => message.id === targetId);
  if (index === -1) return [];
  return ordered.slice(Math.max(0, index - before), index + after + 1);
}
