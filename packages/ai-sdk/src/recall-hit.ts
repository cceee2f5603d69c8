// The compact form of a search hit that the `recall` tool hands to a model: enough to use and to
// cite a memory (its id, for `forget`), without the record's embedding status, versions and
// metadata, which would cost tokens and tell the model nothing.
import type { SearchHit } from '@memos/client';

/** One hit of the `recall` tool. */
export interface RecallHit {
  /** The record's id (`mem_…` or `ep_…`). */
  id: string;
  type: 'memory' | 'episode';
  /** fact, preference, … for memories; message, observation, … for episodes. */
  kind: string;
  text: string;
  /** 0 to 1, the best hit 1; three decimals. */
  score: number;
  /** The memory's slot, such as `home_city`, when it has one. */
  key?: string;
  /** When the fact became true (memories). */
  validFrom?: string;
  /** When it stopped being true, for a memory no longer current. */
  validTo?: string;
  /** When it happened (episodes). */
  occurredAt?: string;
  /** The memory was not confirmed within its kind's review period: re-check it rather than assert it. */
  stale?: true;
  /** Other hits it likely contradicts. */
  conflictsWith?: string[];
}

/** The compact form of a memOS search hit. */
export function toRecallHit(hit: SearchHit): RecallHit {
  const score = Math.round(hit.score * 1000) / 1000;
  if (hit.type === 'episode') {
    return { id: hit.id, type: 'episode', kind: hit.item.kind, text: hit.item.content, score, occurredAt: hit.item.occurredAt };
  }
  const { item } = hit;
  return {
    id: hit.id,
    type: 'memory',
    kind: item.kind,
    text: item.content,
    score,
    ...(item.key === undefined ? {} : { key: item.key }),
    validFrom: item.validFrom,
    ...(item.validTo === undefined ? {} : { validTo: item.validTo }),
    ...(hit.stale ? { stale: true as const } : {}),
    ...(hit.conflictsWith === undefined || hit.conflictsWith.length === 0 ? {} : { conflictsWith: hit.conflictsWith }),
  };
}
