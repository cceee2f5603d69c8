export { MemosStore, type MemosStoreOptions } from './memos-store.js';
export { MemosMemoryStorage } from './memos-memory-storage.js';
export { MemosVector, type MemosVectorOptions } from './memos-vector.js';
export { memosEmbedder, VectorTexts, type MemosEmbedder, type MemosEmbedderOptions } from './memos-embedder.js';
export { memosMemoryParts, type MemosMemoryParts } from './memos-memory-parts.js';
export { WORKING_MEMORY_KEY, type MemosScope } from './memos-scope.js';
