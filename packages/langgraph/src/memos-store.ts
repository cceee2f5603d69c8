// MemosStore: LangGraph's BaseStore on memOS memories. Each item is one memory in a slot of its own
// (memOS keeps every earlier value of the slot as superseded history); see README "Mapping".
import { isMemosError, type MemoryDraft } from '@memos/client';
import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchOperation,
} from '@langchain/langgraph-checkpoint';
import { indexTexts } from './index-text.js';
import { itemMetadata, memoryContent, slotKey } from './item-mapping.js';
import { currentMemory, getItem, listNamespaces, searchItems } from './store-reads.js';
import { storeScope, type MemosStoreOptions, type StoreScope } from './store-scope.js';

/** memOS takes at most `limits.batchItems` (default 1000) memories in one write; the store sends fewer. */
const WRITE_CHUNK = 100;

const isGet = (op: Operation): op is GetOperation => 'key' in op && 'namespace' in op && !('value' in op);
const isPut = (op: Operation): op is PutOperation => 'key' in op && 'namespace' in op && 'value' in op;
const isSearch = (op: Operation): op is SearchOperation => 'namespacePrefix' in op;
const isListNamespaces = (op: Operation): op is ListNamespacesOperation => 'limit' in op && !('namespacePrefix' in op) && !('namespace' in op);

/**
 * A LangGraph store (`BaseStore`) that keeps items as memOS memories, so that a graph's long-term
 * memory is memOS's: searchable by meaning and keyword, versioned, and shared with every other memOS
 * client of the namespace.
 *
 * ```ts
 * const store = new MemosStore({ client: new MemosClient({ baseUrl, apiKey, namespace: 'my-app' }), userIdFrom: userIdAt(1) });
 * const graph = builder.compile({ store });
 * ```
 */
export class MemosStore extends BaseStore {
  readonly #scope: StoreScope;

  constructor(options: MemosStoreOptions) {
    super();
    this.#scope = storeScope(options);
  }

  /**
   * Runs the operations: reads first (gets, searches, listings, concurrently), then the puts, the
   * last put of a slot winning, as InMemoryStore does. Results are in operation order.
   */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    if (!Array.isArray(operations)) throw new TypeError('MemosStore: batch takes an array of operations');
    const puts = new Map<string, PutOperation>();
    const reads = operations.map((op, index) => {
      if (typeof op !== 'object' || op === null) throw new TypeError(`MemosStore: operations[${index}] must be an operation object`);
      if (isPut(op)) {
        checkPut(op, index);
        // A JSON key: labels may not hold "." or ":" but a key may hold anything.
        puts.delete(JSON.stringify([op.namespace, op.key]));
        puts.set(JSON.stringify([op.namespace, op.key]), op);
        return undefined;
      }
      if (isGet(op)) {
        validateNamespace(op.namespace, { allowEmpty: true, allowReservedRoot: true });
        return () => getItem(this.#scope, op);
      }
      if (isSearch(op)) {
        validateNamespace(op.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
        return () => searchItems(this.#scope, op);
      }
      if (isListNamespaces(op)) return () => listNamespaces(this.#scope, op);
      throw new TypeError(`MemosStore: operations[${index}] is not a get, search, put or listNamespaces operation`);
    });
    const results: unknown[] = await Promise.all(reads.map((read) => (read === undefined ? undefined : read())));
    await this.#applyPuts([...puts.values()]);
    return results as OperationResults<Op>;
  }

  async #applyPuts(puts: PutOperation[]): Promise<void> {
    if (puts.length === 0) return;
    const scope = this.#scope;
    const planned = await Promise.all(
      puts.map(async (op) => {
        const userId = scope.userOf(op.namespace, 'put.namespace');
        return { op, userId, current: await currentMemory(scope, op.namespace, op.key, userId) };
      }),
    );
    // Every new value is checked (and its memory built) before anything is deleted or written.
    const drafts: MemoryDraft[] = [];
    const removals: Array<() => Promise<void>> = [];
    for (const { op, userId, current } of planned) {
      if (op.value !== null) drafts.push(await this.#draft(op, op.value, userId, current === undefined ? undefined : { metadata: current.metadata, createdAt: scope.own(current)?.createdAt }));
      else if (current !== undefined) removals.push(async () => this.#remove(current.id, userId, await slotKey(op.namespace, op.key)));
    }
    for (const remove of removals) await remove();
    for (let start = 0; start < drafts.length; start += WRITE_CHUNK) {
      await scope.client.memories.write({ memories: drafts.slice(start, start + WRITE_CHUNK) });
    }
  }

  async #draft(op: PutOperation, value: Record<string, unknown>, userId: string, current: { metadata: Record<string, unknown>; createdAt: Date | undefined } | undefined): Promise<MemoryDraft> {
    const scope = this.#scope;
    const slot = await slotKey(op.namespace, op.key);
    const fields = op.index === false ? [] : (op.index ?? scope.fields);
    const { content, indexed } = memoryContent(op.namespace, op.key, indexTexts(value, fields), scope.maxContentBytes);
    const metadata = itemMetadata({
      namespace: op.namespace,
      key: op.key,
      value,
      agentId: scope.agentId,
      // The slot's first version gives the item's createdAt; a rewrite that supersedes it carries it on.
      createdAt: current?.createdAt?.toISOString(),
      indexed,
      previous: current?.metadata,
      maxBytes: scope.maxMetadataBytes,
    });
    return { content, key: slot, userId, kind: scope.kind, metadata, ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }) };
  }

  /** Deletes an item: retracts its memory (history kept), or erases every version of its slot. */
  async #remove(id: string, userId: string, slot: string): Promise<void> {
    const { client, agentId, onDelete } = this.#scope;
    if (onDelete === 'retract') {
      try {
        await client.memories.retract(id, { reason: 'deleted through the LangGraph store' });
      } catch (error) {
        // Already superseded or retracted by another writer: the item is gone either way.
        if (!(isMemosError(error) && error.code === 'E_CONFLICT')) throw error;
      }
      return;
    }
    let read = 0;
    for await (const memory of client.memories.iterate({ userId, key: slot, includeSuperseded: 'true', limit: 100, ...(agentId === undefined ? {} : { agentId }) })) {
      if ((read += 1) > this.#scope.maxScan) break;
      if (memory.agentId !== agentId) continue;
      try {
        await client.memories.delete(memory.id);
      } catch (error) {
        if (!(isMemosError(error) && error.code === 'E_NOT_FOUND')) throw error;
      }
    }
  }
}

function checkPut(op: PutOperation, index: number): void {
  // As InMemoryStore: a batch may write under LangGraph's reserved root, which BaseStore.put refuses.
  validateNamespace(op.namespace, { allowReservedRoot: true });
  if (typeof op.key !== 'string') throw new TypeError(`MemosStore: operations[${index}].key must be a string`);
  const { value } = op;
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new TypeError(`MemosStore: operations[${index}].value must be an object, or null to delete`);
  if (op.index !== undefined && op.index !== false && !(Array.isArray(op.index) && op.index.every((field) => typeof field === 'string'))) {
    throw new TypeError(`MemosStore: operations[${index}].index must be false or an array of field paths`);
  }
}
