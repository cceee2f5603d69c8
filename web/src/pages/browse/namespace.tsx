// One namespace: its users with their counts (write keys), a box to open any user by id, and the
// namespace-wide views. A key bound to one user goes straight to that user.
import { useEffect } from 'preact/hooks';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { limitFrom, Link, navigate, path, routeWith, useRoute } from '../../router.js';
import { may } from '../../session.js';
import { OpenById, Pager, Show } from '../../ui/parts.js';
import './browse.css';

export function NamespacePage(props: { namespace: string }) {
  const { caller } = useSession();
  const ns = props.namespace;
  useEffect(() => {
    if (caller.userId === undefined) return;
    navigate(path('n', ns, 'u', caller.userId), true);
  }, [caller.userId, ns]);
  if (caller.userId !== undefined) return <p class="muted">Opening user {caller.userId}…</p>;
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<span>{ns}</span>
      </nav>
      <h1>Namespace {ns}</h1>
      <nav class="ns-views" aria-label="Views of the namespace">
        <Link href={path('n', ns, 'memories')}>Memories</Link>
        <Link href={path('n', ns, 'episodes')}>Episode timeline</Link>
        <Link href={path('n', ns, 'conflicts')}>Conflicts</Link>
        <Link href={path('n', ns, 'recall')}>Recall</Link>
      </nav>
      <OpenById class="find-user" formLabel="Find a user" label="Find a user by id" name="userId" button="Open user" primary onOpen={(userId) => navigate(path('n', ns, 'u', userId))} />
      <h2>Users</h2>
      {may(caller, 'write') ? (
        <UserTable namespace={ns} />
      ) : (
        <p class="notice">memOS lists a namespace's users to write keys only; this key may read. Type a user's id above to open them, or browse the namespace's memories and episode timeline.</p>
      )}
    </div>
  );
}

function UserTable(props: { namespace: string }) {
  const { client } = useSession();
  const route = useRoute();
  const cursor = route.query.get('cursor') || undefined;
  const limit = limitFrom(route.query);
  const loaded = useLoad((signal) => client.users.list({ cursor, limit }, { namespace: props.namespace, signal }), [props.namespace, cursor, limit]);
  return (
    <Show loaded={loaded} what="users">
      {(page) => (
        <>
          {page.items.length === 0 ? (
            <p class="muted">No user has records in this namespace yet.</p>
          ) : (
            <table class="user-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col" class="num">Episodes</th>
                  <th scope="col" class="num">Memories</th>
                  <th scope="col" class="num">Live sessions</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((user) => (
                  <tr key={user.userId}>
                    <td>
                      <Link href={path('n', props.namespace, 'u', user.userId)}>{user.userId}</Link>
                    </td>
                    <td class="num">{user.episodes}</td>
                    <td class="num">{user.memories}</td>
                    <td class="num">{user.sessions}</td>
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
