import { memosEmbedder, type MemosEmbedder } from './memos-embedder.js';
import type { MemosScope } from './memos-scope.js';
import { MemosStore } from './memos-store.js';
import { MemosVector } from './memos-vector.js';

/** The three things Mastra's `Memory` takes, all on one memOS namespace (and agent). */
export interface MemosMemoryParts {
  storage: MemosStore;
  vector: MemosVector;
  embedder: MemosEmbedder;
}

/** `new Memory({ ...memosMemoryParts({ client }), options })`: storage, vector store and embedder on memOS. */
export function memosMemoryParts(scope: MemosScope): MemosMemoryParts {
  const embedder = memosEmbedder(scope?.client);
  return { storage: new MemosStore(scope), vector: new MemosVector({ ...scope, embedder }), embedder };
}
