import { crc32 } from 'node:zlib';
import type { SessionKey } from '../../core/ports.js';

/**
 * Shards of the session keys on a cluster. A script or MULTI may only touch keys of one hash
 * slot, and each session write touches the session, its outbox, the deadlines index and the
 * outbox set together. So the index and the set are split into shards, and a session's keys
 * share the hash tag of its shard: sessions spread over this many slots (enough to balance
 * dozens of masters), and a sweep visits every shard.
 */
export const CLUSTER_SESSION_SHARDS = 128;

/** The keys one script touches for a session, all in one slot on a cluster. */
export interface SessionKeys {
  member: string;
  session: string;
  outbox: string;
  /** The sorted set of deadlines, and the set of sessions with a pending outbox, of its shard. */
  index: string;
  outboxes: string;
}

/**
 * The key layout. On one server (`shards` 1) it has no hash tag:
 * `{prefix}memos-session:{member}`, `{prefix}memos-session-outbox:{member}`,
 * `{prefix}memos-sessions:deadlines`, `{prefix}memos-sessions:outboxes`. On a cluster each key
 * carries its shard's tag after the kind, e.g. `{prefix}memos-session:{s17}:{member}` and
 * `{prefix}memos-sessions:{s17}:deadlines`.
 */
export function sessionKeyLayout(prefix: string, shards: number) {
  const tag = (shard: number) => (shards === 1 ? '' : `{s${shard}}:`);
  const shardKeys = (shard: number) => ({ index: `${prefix}memos-sessions:${tag(shard)}deadlines`, outboxes: `${prefix}memos-sessions:${tag(shard)}outboxes` });
  return {
    /** The index and outbox set of every shard. */
    shards: Array.from({ length: shards }, (_, shard) => shardKeys(shard)),
    of(member: string): SessionKeys {
      const shard = shards === 1 ? 0 : crc32(member) % shards;
      return { member, session: `${prefix}memos-session:${tag(shard)}${member}`, outbox: `${prefix}memos-session-outbox:${tag(shard)}${member}`, ...shardKeys(shard) };
    },
  };
}

/** A session's id in the index; the namespace's length keeps it unambiguous when a namespace or session id holds ':'. */
export function memberOf(key: SessionKey): string {
  return `${key.namespace.length}:${key.namespace}:${key.sessionId}`;
}
