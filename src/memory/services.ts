import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Storage } from '../core/ports.js';
import type { Config } from '../config/schema.js';
import { createEpisodeService } from './episodes/episode-service.js';
import { createMemoryService } from './memories/memory-service.js';
import { createSearchService } from './recall/search-service.js';
import { createSessionService } from './sessions/session-service.js';

/** Every memory service, wired to one storage. The HTTP routes (and later MCP and the CLI) call these. */
export function createServices({ storage, clock, ids, config }: { storage: Storage; clock: Clock; ids: IdGenerator; config: Config }) {
  return {
    sessions: createSessionService({ store: storage.sessions, clock, defaults: config.sessions }),
    episodes: createEpisodeService({ store: storage.episodes, clock, ids }),
    memories: createMemoryService({ store: storage.memories, clock, ids }),
    search: createSearchService({ store: storage }),
  };
}

export type Services = ReturnType<typeof createServices>;
