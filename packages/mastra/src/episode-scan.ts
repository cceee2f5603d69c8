import type { Episode, EpisodeListQuery } from '@memos/client';
import { MAX_PAGES, META, PAGE, type MemosScope } from './memos-scope.js';

/**
 * Every episode of a listing, page after page, that this store wrote as a `record` (memOS lists
 * only those carrying that `mastra.record`, and the query's own metadata conditions; the store's
 * agent is checked too). Bounded: more than MAX_PAGES pages is an error rather than an endless read.
 */
export async function scanEpisodes(scope: MemosScope, query: EpisodeListQuery, record: string): Promise<Episode[]> {
  const out: Episode[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listing = await scope.client.episodes.list({
      ...query,
      metadata: { ...query.metadata, [META.record]: record },
      ...(scope.agentId === undefined ? {} : { agentId: scope.agentId }),
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const episode of listing.items) if (ownedBy(scope, episode, record)) out.push(episode);
    cursor = listing.nextCursor;
    if (cursor === undefined) return out;
  }
  throw new Error(`@memos/mastra: a listing of ${record} episodes went past ${MAX_PAGES * PAGE} records; narrow it (by thread or resource)`);
}

/** Whether `episode` is a `record` this store wrote: episodes of other writers in the namespace are left alone. */
export function ownedBy(scope: MemosScope, episode: Episode, record: string): boolean {
  return episode.metadata[META.record] === record && episode.agentId === scope.agentId;
}

/**
 * The latest episode per Mastra id. Records are append-only in memOS, so an update appends a new
 * episode and then deletes the old one; should the delete not happen, the newer one (episode ids
 * sort by creation) still wins.
 */
export function latestById(episodes: Episode[]): Map<string, Episode> {
  const latest = new Map<string, Episode>();
  for (const episode of episodes) {
    const id = episode.metadata[META.id];
    if (typeof id !== 'string') continue;
    const seen = latest.get(id);
    if (seen === undefined || seen.id < episode.id) latest.set(id, episode);
  }
  return latest;
}

/** Deletes episodes one by one (memOS has no bulk delete), ignoring those already gone. */
export async function deleteEpisodes(scope: MemosScope, ids: Iterable<string>): Promise<void> {
  for (const id of ids) {
    try {
      await scope.client.episodes.delete(id);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'E_NOT_FOUND') throw error;
    }
  }
}
