// @memos/langgraph: memOS as a LangGraph.js store (packages/langgraph/README.md).
export { MemosStore } from './memos-store.js';
export { userIdAt, type MemoryKind, type MemosStoreClient, type MemosStoreOptions } from './store-scope.js';
export { META as MEMOS_STORE_METADATA, slotKey } from './item-mapping.js';
