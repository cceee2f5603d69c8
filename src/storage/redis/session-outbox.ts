import { isMemosError } from '../../core/errors.js';
import type { EpisodeStore } from '../../core/ports.js';
import type { Episode } from '../../core/types.js';
import type { RedisClient } from './redis-cluster.js';
import { ACK_OUTBOX } from './session-scripts.js';

/** Outbox entries read and delivered per round, and rounds per drain (new entries may keep arriving). */
const BATCH = 200;
const MAX_ROUNDS = 50;

/**
 * Appends the episodes that are not stored yet. Delivery from the outbox is at-least-once, so an
 * episode id already present means an earlier delivery wrote it (before a crash, or a concurrent
 * drainer): it is skipped, which makes redelivery idempotent by episode id.
 */
export async function appendOnce(store: EpisodeStore, episodes: Episode[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const present = await Promise.all(episodes.map((e) => store.get({ namespace: e.namespace, id: e.id })));
    const missing = episodes.filter((_, i) => present[i] === null);
    if (missing.length === 0) return;
    try {
      await store.append(missing);
      return;
    } catch (error) {
      // A concurrent drainer may have written some of them (a duplicate id): look again, once.
      if (attempt > 0 || (isMemosError(error) && error.code === 'E_STORAGE_UNAVAILABLE')) throw error;
    }
  }
}

/**
 * Delivers one session's outbox to the episode store, oldest first, then removes what was
 * delivered. A failure leaves the entries in place for the next drain. Returns the namespaces
 * that received episodes (empty when the outbox was empty).
 */
export async function drainOutbox(client: RedisClient, store: EpisodeStore, keys: { outbox: string; outboxes: string; member: string }): Promise<string[]> {
  const namespaces = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const raw = await client.lrange(keys.outbox, 0, BATCH - 1);
    if (raw.length > 0) {
      const episodes = raw.map((entry) => JSON.parse(entry) as Episode);
      await appendOnce(store, episodes);
      for (const episode of episodes) namespaces.add(episode.namespace);
    }
    const left = (await ACK_OUTBOX.run(client, [keys.outbox, keys.outboxes], [keys.member, ...raw])) as number;
    if (left === 0) break;
  }
  return [...namespaces];
}
