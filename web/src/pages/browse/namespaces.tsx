// Every namespace the key reaches, with its counts: the way into browsing. memOS lists namespaces
// to write keys bound to no user; other keys see the names their key carries.
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, path } from '../../router.js';
import { may } from '../../session.js';
import { Show } from '../../ui/parts.js';
import './browse.css';

export function NamespacesPage(_props: {}) {
  const { caller } = useSession();
  return (
    <div class="browse">
      <h1>Namespaces</h1>
      {may(caller, 'write') && caller.userId === undefined ? <CountedNamespaces /> : <NamedNamespaces names={caller.namespaces} />}
    </div>
  );
}

function CountedNamespaces() {
  const { client } = useSession();
  const loaded = useLoad((signal) => client.namespaces.list({ signal }), []);
  return (
    <Show loaded={loaded} what="namespaces">
      {({ namespaces }) =>
        namespaces.length === 0 ? (
          <p class="muted">No namespace holds records yet. Pick one in the top bar to open it anyway.</p>
        ) : (
          <table class="namespace-table">
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col" class="num">Users</th>
                <th scope="col" class="num">Episodes</th>
                <th scope="col" class="num">Memories</th>
                <th scope="col" class="num">Live sessions</th>
              </tr>
            </thead>
            <tbody>
              {namespaces.map((entry) => (
                <tr key={entry.namespace}>
                  <td>
                    <Link href={path('n', entry.namespace)}>{entry.namespace}</Link>
                  </td>
                  <td class="num">{entry.users}</td>
                  <td class="num">{entry.episodes}</td>
                  <td class="num">{entry.memories}</td>
                  <td class="num">{entry.sessions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Show>
  );
}

/** Without the counts (they need a write key bound to no user): the names the key carries. */
function NamedNamespaces(props: { names: string[] }) {
  const named = props.names.filter((name) => name !== '*');
  return (
    <>
      <p class="notice">Counts per namespace need a write key bound to no user; this key sees the namespaces it names.</p>
      {props.names.includes('*') && <p>This key reaches every namespace: type a name in the Namespace box of the top bar to open one.</p>}
      {named.length > 0 && (
        <ul class="namespace-names">
          {named.map((name) => (
            <li key={name}>
              <Link href={path('n', name)}>{name}</Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
