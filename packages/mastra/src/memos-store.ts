import { MastraCompositeStore } from '@mastra/core/storage';
import { MemosMemoryStorage } from './memos-memory-storage.js';
import type { MemosScope } from './memos-scope.js';

export interface MemosStoreOptions extends MemosScope {
  /** The store's id in Mastra; default `memos`. */
  id?: string;
}

/**
 * A Mastra storage whose `memory` domain lives in memOS: pass it as `storage` to `new Memory()`
 * (or to `new Mastra()`, next to other stores for the other domains).
 */
export class MemosStore extends MastraCompositeStore {
  constructor(options: MemosStoreOptions) {
    super({ id: options?.id ?? 'memos', name: 'MemosStore' });
    this.stores = { memory: new MemosMemoryStorage(options) };
  }
}
