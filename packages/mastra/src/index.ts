export { MemosStore, type MemosStoreOptions } from './memos-store.js';
export { MemosMemoryStorage } from './memos-memory-storage.js';
export { WORKING_MEMORY_KEY, type MemosScope } from './memos-scope.js';
