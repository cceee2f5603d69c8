// Live sessions counted in Redis, without refreshing a TTL. Overall counts are one pair of ZCOUNTs
// per shard of the deadlines index. A namespace's are a ZSCAN of its members (they share its
// prefix); grouping by namespace reads it from each member. A user is stored only in the session
// itself, so counting by user (or for one) also reads each live session of the namespace, 100 at a
// time: the cost grows with the namespace's live sessions, not with its records.
import type { SessionCount, SessionCountQuery } from '../../core/ports.js';
import type { RedisClient } from './redis-cluster.js';
import { memberOf, type sessionKeyLayout } from './session-keys.js';

type Layout = ReturnType<typeof sessionKeyLayout>;

export async function countSessions(client: RedisClient, layout: Layout, query: SessionCountQuery, now: number): Promise<SessionCount[]> {
  if (query.namespace === undefined && query.userId === undefined && query.groupBy === undefined) {
    const counts = await Promise.all(layout.shards.map(async ({ index }) => [await client.zcount(index, `(${now}`, '+inf'), await client.zcount(index, `(${now}`, query.expiringBefore)] as const));
    return [{ live: counts.reduce((sum, [live]) => sum + live, 0), expiring: counts.reduce((sum, [, expiring]) => sum + expiring, 0) }];
  }
  const live = await liveMembers(client, layout, query.namespace, now);
  const byUser = query.userId !== undefined || query.groupBy === 'user';
  const owners = byUser ? await ownersOf(client, layout, [...live.keys()]) : undefined;
  const groups = new Map<string, SessionCount>();
  for (const [member, deadline] of live) {
    const userId = owners?.get(member);
    if (query.userId !== undefined && userId !== query.userId) continue;
    if (query.groupBy === 'user' && userId === undefined) continue;
    const name = query.groupBy === 'namespace' ? namespaceOf(member) : query.groupBy === 'user' ? userId! : '';
    const group = groups.get(name) ?? { ...(query.groupBy === 'namespace' ? { namespace: name } : query.groupBy === 'user' ? { userId: name } : {}), live: 0, expiring: 0 };
    group.live += 1;
    if (deadline <= query.expiringBefore) group.expiring += 1;
    groups.set(name, group);
  }
  if (query.groupBy === undefined) return [groups.get('') ?? { live: 0, expiring: 0 }];
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** Live index members (of `namespace`'s prefix when set) with their deadlines; ZSCAN may repeat a member, the map keeps one. */
async function liveMembers(client: RedisClient, layout: Layout, namespace: string | undefined, now: number): Promise<Map<string, number>> {
  const pattern = namespace === undefined ? '*' : `${memberOf({ namespace, sessionId: '' }).replace(/[*?[\]\\]/g, '\\$&')}*`;
  const live = new Map<string, number>();
  for (const { index } of layout.shards) {
    let cursor = '0';
    do {
      const [next, reply] = await client.zscan(index, cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i < reply.length; i += 2) if (Number(reply[i + 1]) > now) live.set(reply[i]!, Number(reply[i + 1]));
    } while (cursor !== '0');
  }
  return live;
}

/** The user of each session that names one, read 100 sessions at a time. */
async function ownersOf(client: RedisClient, layout: Layout, members: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (let start = 0; start < members.length; start += 100) {
    const batch = members.slice(start, start + 100);
    const replies = await Promise.all(batch.map((member) => client.hget(layout.of(member).session, 'data')));
    replies.forEach((data, n) => {
      const userId = data === null ? undefined : (JSON.parse(data) as { userId?: string }).userId;
      if (userId !== undefined) owners.set(batch[n]!, userId);
    });
  }
  return owners;
}

/** The namespace of an index member (`{length}:{namespace}:{sessionId}`). */
function namespaceOf(member: string): string {
  const colon = member.indexOf(':');
  return member.slice(colon + 1, colon + 1 + Number(member.slice(0, colon)));
}
