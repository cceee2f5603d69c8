// What truth maintenance changes in a recall answer (docs/truth.md): memories flagged as likely
// contradictions are told apart, and memory hits can carry their provenance.

import type { EpisodeStore } from '../../core/ports.js';
import type { Episode, RecordFilter } from '../../core/types.js';
import type { SearchHit } from './search-service.js';

type MemoryHit = Extract<SearchHit, { type: 'memory' }>;

/**
 * Marks the memory hits that conflict with another hit (`conflictsWith`, both ways) and, in hybrid
 * mode, ranks the memory that carries the mark (the later statement: marks are written on the new
 * memory) right above the one it contradicts when it was below it. Without a slot or a resolution
 * memOS cannot know which holds, but a later statement is the better bet, and the agent sees both
 * flagged. `hits` must be sorted best first; they are sorted again, still best first.
 */
export function settleConflicts(hits: SearchHit[], reorder: boolean): void {
  const memories = new Map(hits.filter((hit): hit is MemoryHit => hit.type === 'memory').map((hit) => [hit.id, hit]));
  let moved = false;
  for (const hit of memories.values()) {
    for (const mark of hit.item.conflicts) {
      const other = memories.get(mark.memoryId);
      if (other === undefined) continue;
      link(hit, other.id);
      link(other, hit.id);
      if (reorder && other.score >= hit.score) {
        // Just above: the raw score nudged past the other's, so that scaling keeps the order.
        hit.score = other.score + Math.max(Math.abs(other.score) * 1e-9, Number.EPSILON);
        moved = true;
      }
    }
  }
  if (moved) hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

function link(hit: MemoryHit, id: string): void {
  hit.conflictsWith = [...new Set([...(hit.conflictsWith ?? []), id])];
}

/** Adds each memory hit's source sessions and the source episodes within `filter`'s namespace and user. */
export async function attachSources(episodes: EpisodeStore, hits: SearchHit[], filter: RecordFilter): Promise<void> {
  const reach = { namespace: filter.namespace, ...(filter.userId === undefined ? {} : { userId: filter.userId }) };
  await Promise.all(
    hits.map(async (hit) => {
      if (hit.type !== 'memory') return;
      const found = await Promise.all(hit.item.sourceEpisodeIds.map((id) => episodes.get({ ...reach, id })));
      hit.sources = { sessionIds: hit.item.sourceSessionIds, episodes: found.filter((episode): episode is Episode => episode !== null) };
    }),
  );
}
