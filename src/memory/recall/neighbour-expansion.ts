// Conversation context for episode hits: the turn that answers a question is often next to the
// turn that matched it, and the best evidence clusters in one session (bench/locomo measures both).

import type { EpisodeStore } from '../../core/ports.js';
import type { Episode, RecordFilter } from '../../core/types.js';

export interface NeighbourOptions {
  /** Share of an adjacent episode's score that a candidate gains; 0 turns expansion off. */
  weight: number;
  /** Episodes on each side; each step further counts 2/3 as much as the one before. */
  width: number;
  /** Share of the best score in its session (relative to the best overall) that a candidate gains. */
  sessionWeight: number;
}

const STEP_DECAY = 2 / 3;

export interface Expansion {
  /** Fused score plus what neighbours and the session added, for every candidate old and new. */
  scores: Map<string, number>;
  /** How much of each score came from neighbours and the session. */
  gains: Map<string, number>;
  /** Episodes that only came in as neighbours. */
  added: Map<string, Episode>;
}

/**
 * Spreads the fused scores of the `anchors` best episodes to the episodes around them in their
 * session (matching the same filter), and gives every candidate a share of its session's best score.
 */
export async function expandNeighbours(input: {
  store: EpisodeStore;
  filter: RecordFilter;
  fused: Map<string, number>;
  items: Map<string, Episode>;
  anchors: number;
  options: NeighbourOptions;
}): Promise<Expansion> {
  const { store, filter, fused, items, options } = input;
  const scores = new Map(fused);
  const gains = new Map<string, number>();
  const added = new Map<string, Episode>();
  const gain = (id: string, amount: number) => {
    scores.set(id, (scores.get(id) ?? 0) + amount);
    gains.set(id, (gains.get(id) ?? 0) + amount);
  };

  const anchorIds = [...fused].sort((a, b) => b[1] - a[1]).slice(0, input.anchors).map(([id]) => id);
  if (options.weight > 0 && options.width > 0 && anchorIds.length > 0) {
    for (const { id, before, after } of await store.neighbours({ filter, ids: anchorIds, width: options.width })) {
      const score = fused.get(id) ?? 0;
      for (const side of [before, after]) {
        side.forEach((episode, step) => {
          if (!items.has(episode.id)) added.set(episode.id, episode);
          gain(episode.id, options.weight * STEP_DECAY ** step * score);
        });
      }
    }
  }

  if (options.sessionWeight > 0) {
    const sessionOf = (id: string) => (items.get(id) ?? added.get(id))?.sessionId;
    const best = new Map<string, number>();
    let top = 0;
    for (const [id, score] of fused) {
      top = Math.max(top, score);
      const session = sessionOf(id);
      if (session !== undefined) best.set(session, Math.max(best.get(session) ?? 0, score));
    }
    if (top > 0) {
      for (const id of scores.keys()) {
        const session = sessionOf(id);
        const sessionBest = session === undefined ? undefined : best.get(session);
        if (sessionBest !== undefined) gain(id, (options.sessionWeight * sessionBest) / top);
      }
    }
  }
  return { scores, gains, added };
}
