// One user of a namespace: their counts, and in tabs their live sessions, episode timeline and
// memories. Each tab is a link (`?tab=`), so every view of a user is a permalink.
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, navigate, path, routeWith, useRoute, withQuery } from '../../router.js';
import { may } from '../../session.js';
import { OpenById, Pager, Show, Time } from '../../ui/parts.js';
import { UserAdmin } from '../curate/user-admin.js';
import { EpisodeTimeline } from './episodes.js';
import { MemoryList } from './memories.js';
import './browse.css';

const TABS = [
  { id: 'memories', label: 'Memories' },
  { id: 'episodes', label: 'Episode timeline' },
  { id: 'sessions', label: 'Live sessions' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function UserPage(props: { namespace: string; userId: string }) {
  const route = useRoute();
  const asked = route.query.get('tab');
  const tab: Tab = TABS.some((candidate) => candidate.id === asked) ? (asked as Tab) : 'memories';
  const home = path('n', props.namespace, 'u', props.userId);
  const fixed = { userId: props.userId };
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<Link href={path('n', props.namespace)}>{props.namespace}</Link>/<span>user</span>
      </nav>
      <header class="user-head">
        <div>
          <h1>User {props.userId}</h1>
          <UserCounts namespace={props.namespace} userId={props.userId} />
        </div>
        <UserAdmin namespace={props.namespace} userId={props.userId} />
      </header>
      <nav class="tabs" aria-label="The user's records">
        {TABS.map((candidate) => (
          <Link key={candidate.id} href={withQuery(home, { tab: candidate.id === 'memories' ? undefined : candidate.id })} aria-current={candidate.id === tab ? 'page' : undefined}>
            {candidate.label}
          </Link>
        ))}
      </nav>
      <h2 class="visually-hidden">{TABS.find((candidate) => candidate.id === tab)!.label}</h2>
      {tab === 'memories' && <MemoryList namespace={props.namespace} fixed={fixed} />}
      {tab === 'episodes' && <EpisodeTimeline namespace={props.namespace} fixed={fixed} />}
      {tab === 'sessions' && <UserSessions namespace={props.namespace} userId={props.userId} />}
    </div>
  );
}

/** The user's counts (a write key's view); a read key is told why they are missing instead. */
function UserCounts(props: { namespace: string; userId: string }) {
  const { caller, client } = useSession();
  const allowed = may(caller, 'write');
  const loaded = useLoad((signal) => (allowed ? client.stats({ userId: props.userId }, { namespace: props.namespace, signal }) : Promise.resolve(undefined)), [props.namespace, props.userId, allowed]);
  if (!allowed) return <p class="muted">Counts need a write key; this key may read the records below.</p>;
  return (
    <Show loaded={loaded} what="counts">
      {(stats) =>
        stats === undefined ? null : (
          <dl class="user-counts">
            <div>
              <dt>Memories</dt>
              <dd>{stats.memories.count}</dd>
            </div>
            <div>
              <dt>Episodes</dt>
              <dd>{stats.episodes.count}</dd>
            </div>
            <div>
              <dt>Live sessions</dt>
              <dd>{stats.sessions.live}</dd>
            </div>
            <div>
              <dt>Earlier versions</dt>
              <dd>{stats.memories.historyVersions}</dd>
            </div>
            {stats.memories.newest !== undefined && (
              <div>
                <dt>Last memory</dt>
                <dd>
                  <Time at={stats.memories.newest} relative />
                </dd>
              </div>
            )}
          </dl>
        )
      }
    </Show>
  );
}

function UserSessions(props: { namespace: string; userId: string }) {
  const { caller } = useSession();
  return (
    <section aria-label="Live sessions">
      {may(caller, 'write') ? <SessionTable {...props} /> : <p class="notice">memOS lists live sessions to write keys only; this key may read a session by its id.</p>}
      <OpenById formLabel="Open a session" label="Open a session by id" name="sessionId" button="Open session" onOpen={(id) => navigate(path('n', props.namespace, 'sessions', id))} />
    </section>
  );
}

function SessionTable(props: { namespace: string; userId: string }) {
  const { client } = useSession();
  const route = useRoute();
  const cursor = route.query.get('cursor') || undefined;
  const loaded = useLoad((signal) => client.sessions.list({ userId: props.userId, cursor }, { namespace: props.namespace, signal }), [props.namespace, props.userId, cursor]);
  return (
    <Show loaded={loaded} what="sessions">
      {(page) => (
        <>
          {page.items.length === 0 ? (
            <p class="muted">No live session: expired sessions' messages are in the episode timeline.</p>
          ) : (
            <table class="session-table">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Agent</th>
                  <th scope="col" class="num">Messages</th>
                  <th scope="col">Last written</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((session) => (
                  <tr key={session.sessionId}>
                    <td>
                      <Link href={path('n', props.namespace, 'sessions', session.sessionId)}>{session.sessionId}</Link>
                    </td>
                    <td>{session.agentId ?? <span class="muted">—</span>}</td>
                    <td class="num">{session.messages}</td>
                    <td>
                      <Time at={session.updatedAt} />
                    </td>
                    <td>
                      <Time at={session.expiresAt} relative />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => navigate(routeWith(route, { cursor: next }))} />
        </>
      )}
    </Show>
  );
}
