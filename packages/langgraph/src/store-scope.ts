// The options of a MemosStore, checked once, and the scope questions every operation asks: which
// memOS user a namespace tuple belongs to, and whether a memory belongs to this store's scope.
import { isMemosId, type MemosClient, type Memory } from '@memos/client';
import { agentOf, itemOf } from './item-mapping.js';
import type { Item } from '@langchain/langgraph-checkpoint';

/** A memory kind memOS takes. */
export type MemoryKind = 'fact' | 'preference' | 'reflection' | 'summary' | 'procedure';

/** The part of a `MemosClient` the store calls: any copy of `@memos/client` will do. */
export interface MemosStoreClient {
  memories: Pick<MemosClient['memories'], 'list' | 'iterate' | 'write' | 'retract' | 'delete'>;
  search: MemosClient['search'];
}

export interface MemosStoreOptions {
  /** The memOS client (a `MemosClient`): its namespace (and key) is where every item lives. */
  client: MemosStoreClient;
  /** The memOS user of every item. Give this or `userIdFrom`. */
  userId?: string;
  /**
   * The memOS user of a namespace tuple, e.g. `userIdAt(1)` for `["memories", userId]`. Called with
   * an item's namespace (it must answer) and with a search's or listing's prefix (answer
   * `undefined` when the prefix does not name the user: the search then spans every user).
   */
  userIdFrom?: (namespace: readonly string[]) => string | undefined;
  /** The memOS agent of every item (part of a memory's identity); none by default. */
  agentId?: string;
  /**
   * Which fields of a value become the text memOS embeds and indexes, as LangGraph's `IndexConfig.fields`
   * (default `["$"]`, the whole value as JSON); a put's own `index` wins. `false`: no field unless a put names some.
   */
  index?: { fields?: string[] } | false;
  /** The kind of the memories written (default `fact`). */
  kind?: MemoryKind;
  /**
   * What `delete` (a put of `null`) does to the item's memory: `retract` (default) ends it as no
   * longer true, keeping it and its history readable in memOS; `erase` deletes every version of the slot.
   */
  onDelete?: 'retract' | 'erase';
  /** memOS's `limits.metadataBytes` (MEMOS_MAX_METADATA_BYTES), default 16384: an item must fit in it. */
  maxMetadataBytes?: number;
  /** memOS's `limits.contentBytes` (MEMOS_MAX_CONTENT_BYTES), default 32768: longer indexed text is cut. */
  maxContentBytes?: number;
  /** At most this many memories are read by a search without a query or by listNamespaces (default 10000). */
  maxScan?: number;
}

const KINDS: readonly MemoryKind[] = ['fact', 'preference', 'reflection', 'summary', 'procedure'];

/** The checked options, with defaults. */
export interface StoreScope {
  client: MemosStoreClient;
  agentId: string | undefined;
  fields: readonly string[];
  kind: MemoryKind;
  onDelete: 'retract' | 'erase';
  maxMetadataBytes: number;
  maxContentBytes: number;
  maxScan: number;
  /** The user of a whole namespace: throws when the options cannot name one. */
  userOf(namespace: readonly string[], field: string): string;
  /** The user a prefix names, if any. */
  userOfPrefix(prefix: readonly string[]): string | undefined;
  /** The item a memory holds when it is this store's: its agent, and the user its namespace maps to. */
  own(memory: Memory): Item | undefined;
}

const positive = (value: number | undefined, fallback: number, field: string): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`MemosStore: options.${field} must be a positive whole number`);
  return value;
};

export function storeScope(options: MemosStoreOptions): StoreScope {
  const { client, userId, userIdFrom, agentId, index, kind = 'fact', onDelete = 'retract' } = options;
  if (client === undefined || client === null || typeof client.search !== 'function') throw new TypeError('MemosStore: options.client must be a MemosClient');
  if ((userId === undefined) === (userIdFrom === undefined)) throw new TypeError('MemosStore: give options.userId (one memOS user for every item) or options.userIdFrom (the user of each namespace), not both');
  if (userId !== undefined && !isMemosId(userId)) throw new TypeError('MemosStore: options.userId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');
  if (userIdFrom !== undefined && typeof userIdFrom !== 'function') throw new TypeError('MemosStore: options.userIdFrom must be a function of the namespace tuple');
  if (agentId !== undefined && !isMemosId(agentId)) throw new TypeError('MemosStore: options.agentId must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');
  if (!KINDS.includes(kind)) throw new TypeError(`MemosStore: options.kind must be one of ${KINDS.join(', ')}`);
  if (onDelete !== 'retract' && onDelete !== 'erase') throw new TypeError('MemosStore: options.onDelete must be "retract" or "erase"');
  const fields = index === false ? [] : (index?.fields ?? ['$']);
  if (!Array.isArray(fields) || fields.some((field) => typeof field !== 'string')) throw new TypeError('MemosStore: options.index.fields must be an array of field paths');

  const checked = (namespace: readonly string[], found: string | undefined): string | undefined => {
    if (found === undefined) return undefined;
    if (!isMemosId(found)) {
      throw new TypeError(`MemosStore: userIdFrom(${JSON.stringify(namespace)}) gave ${JSON.stringify(found)}, which is not a memOS user id (1 to 128 characters of A-Z a-z 0-9 . _ : @ -)`);
    }
    return found;
  };
  const userOfPrefix = (prefix: readonly string[]) => (userIdFrom === undefined ? userId : checked(prefix, userIdFrom(prefix)));
  const userOf = (namespace: readonly string[], field: string) => {
    const found = userOfPrefix(namespace);
    if (found === undefined) throw new TypeError(`MemosStore: ${field} ${JSON.stringify(namespace)} names no memOS user: userIdFrom must answer for an item's namespace`);
    return found;
  };
  return {
    client,
    agentId,
    fields,
    kind,
    onDelete,
    maxMetadataBytes: positive(options.maxMetadataBytes, 16 * 1024, 'maxMetadataBytes'),
    maxContentBytes: positive(options.maxContentBytes, 32 * 1024, 'maxContentBytes'),
    maxScan: positive(options.maxScan, 10_000, 'maxScan'),
    userOf,
    userOfPrefix,
    own(memory) {
      if (agentOf(memory) !== (agentId ?? '') || memory.agentId !== agentId) return undefined;
      const item = itemOf(memory);
      if (item === undefined) return undefined;
      try {
        return userOfPrefix(item.namespace) === memory.userId ? item : undefined;
      } catch {
        // A memory whose namespace this store's userIdFrom refuses is not this store's.
        return undefined;
      }
    },
  };
}

/** `userIdFrom` for namespaces that hold the user at one level: `userIdAt(1)` for `["memories", userId]`. */
export function userIdAt(level: number): (namespace: readonly string[]) => string | undefined {
  if (!Number.isInteger(level) || level < 0) throw new TypeError('userIdAt: level must be a whole number from 0');
  return (namespace) => namespace[level];
}
