import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { ListQuery, Page, RecordFilter } from '../core/types.js';

/** A listing request as services take it: the cursor is the opaque string clients hold. */
export interface ListInput {
  filter: RecordFilter;
  limit: number;
  order: 'asc' | 'desc';
  cursor?: string;
}

export interface ListOutput<T> {
  items: T[];
  nextCursor?: string;
}

/** Runs a store listing, decoding the client's cursor into a position and encoding the next one. */
export async function listPage<T>(list: (query: ListQuery) => Promise<Page<T>>, input: ListInput): Promise<ListOutput<T>> {
  const page = await list({
    filter: input.filter,
    limit: input.limit,
    order: input.order,
    ...(input.cursor === undefined ? {} : { after: decodeCursor(input.cursor) }),
  });
  return { items: page.items, ...(page.next === undefined ? {} : { nextCursor: encodeCursor(page.next) }) };
}
