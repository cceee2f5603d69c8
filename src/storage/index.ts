import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Storage, StorageDriver } from '../core/ports.js';
import { settingName } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { TierLogger } from './short-term-tier.js';

export { loadShortTermTier, redactUrl, type ShortTermDeps, type ShortTermTier } from './short-term-tier.js';

export interface StorageDeps {
  config: Config;
  clock: Clock;
  ids: IdGenerator;
  logger: TierLogger;
}

type Settings<D extends StorageDriver> = Extract<Config['storage'], { driver: D }>;
type Loader<D extends StorageDriver> = (deps: StorageDeps, settings: Settings<D>) => Promise<Storage>;

/** One lazy loader per driver, so that start-up loads only the engine the config names. */
const storageDrivers = {
  sqlite: async ({ config, clock, ids, logger }, { synchronous, vectorIndexMaxBytes }) => {
    const { createSqliteStorage } = await import('./sqlite/index.js');
    return createSqliteStorage({ path: join(config.dataDir, 'memos.db'), clock, ids, synchronous, vectorIndexMaxBytes, logger });
  },
  postgres: async ({ clock, logger }, { url, schema, poolSize, rowSecurity }) => {
    const { createPostgresStorage } = await import('./postgres/index.js');
    return createPostgresStorage({ url, schema, poolSize, rowSecurity, clock, logger });
  },
} satisfies { [D in StorageDriver]: Loader<D> };

/**
 * Makes this process the only one serving the data folder, when the database lives there
 * (sqlite). In server mode the folder holds at most a downloaded model, which replicas may share,
 * so nothing is locked.
 */
export async function lockDataFolder(config: Config): Promise<{ release(): void }> {
  if (config.storage.driver !== 'sqlite') return { release: () => undefined };
  const { lockDataFolder: lock } = await import('./sqlite/data-folder-lock.js');
  return lock(config.dataDir, settingName(config, 'dataDir'));
}

/** The storage the config names; not yet initialised. */
export function loadStorage(deps: StorageDeps): Promise<Storage> {
  const settings = deps.config.storage;
  return (storageDrivers[settings.driver] as Loader<typeof settings.driver>)(deps, settings);
}
