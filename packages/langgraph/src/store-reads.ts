// The reading operations of a MemosStore batch: get (a slot lookup), search (memOS hybrid search
// for a query, else a listing of the scope's memories under the prefix) and listNamespaces (a
// listing too). Listings carry the same metadata conditions as a search, so memOS reads only the
// items under the prefix that pass the filter's equalities.
import type { Memory } from '@memos/client';
import type { GetOperation, Item, ListNamespacesOperation, MatchCondition, SearchItem, SearchOperation } from '@langchain/langgraph-checkpoint';
import { matches, preFilter } from './filters.js';
import { levelKey, META, slotKey } from './item-mapping.js';
import type { StoreScope } from './store-scope.js';

/** memOS's default `search.maxLimit`: a query search ranks at most this many hits. */
export const SEARCH_MAX = 100;
/** Memories per page of a scan: within memOS's default `list.maxLimit` (500). */
const PAGE = 100;

/** The current memory of an item's slot in this store's scope, if any. */
export async function currentMemory(scope: StoreScope, namespace: readonly string[], key: string, userId: string): Promise<Memory | undefined> {
  const page = await scope.client.memories.list({ userId, key: await slotKey(namespace, key), limit: 10, ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }) });
  // Without an agentId the listing holds the slot of every agent of the user: keep this store's.
  return page.items.find((memory) => {
    const item = scope.own(memory);
    return item !== undefined && item.key === key && sameTuple(item.namespace, namespace);
  });
}

const sameTuple = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((label, level) => label === b[level]);

export async function getItem(scope: StoreScope, op: GetOperation): Promise<Item | null> {
  if (typeof op.key !== 'string') throw new TypeError('MemosStore: get.key must be a string');
  const memory = await currentMemory(scope, op.namespace, op.key, scope.userOf(op.namespace, 'get.namespace'));
  return memory === undefined ? null : (scope.own(memory) ?? null);
}

const count = (value: number | undefined, fallback: number, field: string) => {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`MemosStore: search.${field} must be a whole number from 0`);
  return n;
};

export async function searchItems(scope: StoreScope, op: SearchOperation): Promise<SearchItem[]> {
  const limit = count(op.limit, 10, 'limit');
  const offset = count(op.offset, 0, 'offset');
  if (op.filter !== undefined && (typeof op.filter !== 'object' || op.filter === null)) throw new TypeError('MemosStore: search.filter must be an object');
  if (op.query !== undefined && typeof op.query !== 'string') throw new TypeError('MemosStore: search.query must be a string');
  if (limit === 0) return [];
  const userId = scope.userOfPrefix(op.namespacePrefix);
  const scoped = { ...(userId === undefined ? {} : { userId }), ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }) };
  const wanted = (item: Item | undefined): item is Item => item !== undefined && matches(item, op);

  if (op.query !== undefined && op.query.trim() !== '') {
    if (offset + limit > SEARCH_MAX) throw new RangeError(`MemosStore: search.offset + search.limit must be at most ${SEARCH_MAX} with a query (memOS ranks at most ${SEARCH_MAX} hits); got ${offset + limit}`);
    const pre = preFilter(scope.agentId, op, { [META.indexed]: true });
    const answer = await scope.client.search({
      query: op.query,
      ...scoped,
      types: ['memories'],
      // When memOS cannot apply every condition, it ranks the most it may and the store keeps those that pass.
      limit: pre.complete ? offset + limit : SEARCH_MAX,
      filters: { metadata: pre.metadata },
    });
    const found: SearchItem[] = [];
    for (const hit of answer.hits) {
      if (hit.type !== 'memory') continue;
      const item = scope.own(hit.item);
      if (wanted(item)) found.push({ ...item, score: hit.score });
    }
    return found.slice(offset, offset + limit);
  }

  const found: Item[] = [];
  await scan(scope, { ...scoped, metadata: preFilter(scope.agentId, op).metadata }, (memory) => {
    const item = scope.own(memory);
    if (wanted(item)) found.push(item);
    return found.length < offset + limit;
  });
  return found.slice(offset, offset + limit);
}

/**
 * Reads the scope's current memories that hold `metadata`, newest first, page by page, until
 * `visit` answers false or `maxScan` memories were read.
 */
async function scan(scope: StoreScope, query: { userId?: string; agentId?: string; metadata: Record<string, string | number | boolean> }, visit: (memory: Memory) => boolean): Promise<void> {
  let read = 0;
  for await (const memory of scope.client.memories.iterate({ ...query, limit: Math.min(PAGE, scope.maxScan) })) {
    read += 1;
    if (!visit(memory) || read >= scope.maxScan) return;
  }
}

function doesMatch({ matchType, path }: MatchCondition, namespace: readonly string[]): boolean {
  if (path.length > namespace.length) return false;
  const start = matchType === 'prefix' ? 0 : namespace.length - path.length;
  return path.every((label, index) => label === '*' || namespace[start + index] === label);
}

export async function listNamespaces(scope: StoreScope, op: ListNamespacesOperation): Promise<string[][]> {
  const limit = op.limit ?? 100;
  const offset = op.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError('MemosStore: listNamespaces.limit must be a whole number from 0');
  if (!Number.isInteger(offset) || offset < 0) throw new TypeError('MemosStore: listNamespaces.offset must be a whole number from 0');
  if (op.maxDepth !== undefined && (!Number.isInteger(op.maxDepth) || op.maxDepth < 1)) throw new TypeError('MemosStore: listNamespaces.maxDepth must be a whole number from 1');
  const conditions = op.matchConditions ?? [];
  // A prefix without wildcards up to the user's level names the user, which narrows the scan.
  const prefix = conditions.find((condition) => condition.matchType === 'prefix')?.path ?? [];
  const literal = prefix.slice(0, prefix.includes('*') ? prefix.indexOf('*') : prefix.length) as string[];
  const userId = scope.userOfPrefix(literal);
  // Each literal level of the prefix (up to 14, beside the item marker and the agent) is a condition memOS applies.
  const metadata: Record<string, string | number | boolean> = { [META.marker]: true, [META.agent]: scope.agentId ?? '' };
  prefix.slice(0, 14).forEach((label, level) => {
    if (label !== '*') metadata[levelKey(level)] = label;
  });
  const seen = new Map<string, string[]>();
  await scan(scope, { ...(userId === undefined ? {} : { userId }), ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }), metadata }, (memory) => {
    const item = scope.own(memory);
    if (item === undefined || !conditions.every((condition) => doesMatch(condition, item.namespace))) return true;
    const namespace = op.maxDepth === undefined ? item.namespace : item.namespace.slice(0, op.maxDepth);
    seen.set(JSON.stringify(namespace), namespace);
    return true;
  });
  const sorted = [...seen.values()].sort((a, b) => a.join(':').localeCompare(b.join(':')));
  return sorted.slice(offset, offset + limit);
}
