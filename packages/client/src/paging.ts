// Following `nextCursor` through a listing: every list method has a `list(query)` that answers one
// page and an `iterate(query)` that yields every item, page after page, built on this.
import type { CallOptions } from './transport.js';

/** One page of a listing: its items and, when more follow, the cursor of the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}

/** Yields every item of a listing, asking for the next page only when the last one is used up. */
export async function* everyItem<T, Q extends { cursor?: string | undefined }>(
  list: (query: Q, options?: CallOptions) => Promise<Page<T>>,
  query: Q,
  options?: CallOptions,
): AsyncGenerator<T, void, undefined> {
  let cursor = query.cursor;
  do {
    const page = await list({ ...query, cursor }, options);
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
