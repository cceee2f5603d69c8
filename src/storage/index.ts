import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Storage, StorageDriver } from '../core/ports.js';
import type { Config } from '../config/schema.js';

export { loadShortTermTier, redactUrl, type ShortTermDeps, type ShortTermTier } from './short-term-tier.js';

export interface StorageDeps {
  config: Config;
  clock: Clock;
  ids: IdGenerator;
}

type Loader = (deps: StorageDeps) => Promise<Storage>;

/** One lazy loader per driver, so that start-up loads only the engine the config names. */
const storageDrivers = {
  sqlite: async ({ config, clock, ids }) => {
    const { createSqliteStorage } = await import('./sqlite/index.js');
    return createSqliteStorage({ path: join(config.dataDir, 'memos.db'), clock, ids, synchronous: config.storage.synchronous });
  },
} satisfies Record<StorageDriver, Loader>;

/** The storage the config names; not yet initialised. */
export function loadStorage(deps: StorageDeps): Promise<Storage> {
  return storageDrivers[deps.config.storage.driver](deps);
}
