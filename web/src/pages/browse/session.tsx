// One live session: its messages in the window, its working state, summary and when it expires.
// Reading a session moves its expiry ahead (memOS's idle TTL), as any reader's does.
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, path, withQuery } from '../../router.js';
import { Badge, Show, Time } from '../../ui/parts.js';
import './browse.css';

export function SessionPage(props: { namespace: string; sessionId: string }) {
  const { client } = useSession();
  const loaded = useLoad((signal) => client.sessions.get(props.sessionId, { namespace: props.namespace, signal }), [props.namespace, props.sessionId]);
  const ns = props.namespace;
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<Link href={path('n', ns)}>{ns}</Link>/<span>session</span>
      </nav>
      <h1>Session {props.sessionId}</h1>
      <Show loaded={loaded} what="the session">
        {(session) => (
          <div class="split">
            <section aria-labelledby="session-messages">
              <h2 id="session-messages">Messages ({session.messages.length})</h2>
              {session.messages.length === 0 ? (
                <p class="muted">No messages in the window.</p>
              ) : (
                <ol class="messages">
                  {session.messages.map((message, index) => (
                    <li key={index} class={`message message-${message.role}`}>
                      <div class="message-head">
                        <Badge tone={message.role === 'user' ? 'accent' : 'neutral'}>{message.role}</Badge>
                        {message.name !== undefined && <span class="muted">{message.name}</span>}
                        <Time at={message.createdAt} />
                      </div>
                      <p class="message-content">{message.content}</p>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            <section aria-labelledby="session-facts">
              <h2 id="session-facts">Session</h2>
              <dl class="facts card">
                <dt>User</dt>
                <dd>{session.userId === undefined ? <span class="muted">—</span> : <Link href={path('n', ns, 'u', session.userId)}>{session.userId}</Link>}</dd>
                <dt>Agent</dt>
                <dd>{session.agentId ?? <span class="muted">—</span>}</dd>
                <dt>Expires</dt>
                <dd>
                  <Time at={session.expiresAt} relative /> (<Time at={session.expiresAt} />)
                </dd>
                <dt>Idle TTL</dt>
                <dd>{formatSeconds(session.ttlSeconds)}</dd>
                <dt>Created</dt>
                <dd>
                  <Time at={session.createdAt} />
                </dd>
                <dt>Last written</dt>
                <dd>
                  <Time at={session.updatedAt} />
                </dd>
              </dl>
              <h3>Summary</h3>
              {session.summary === undefined ? <p class="muted">No summary written.</p> : <p>{session.summary}</p>}
              <h3>State</h3>
              <pre class="session-state">{JSON.stringify(session.state, null, 2)}</pre>
              <p class="muted">
                Messages older than the window, and all of them once the session expires, become episodes:{' '}
                <Link href={withQuery(path('n', ns, 'episodes'), { sessionId: props.sessionId })}>this session's episodes</Link>.
              </p>
            </section>
          </div>
        )}
      </Show>
    </div>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d (${seconds} s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h (${seconds} s)`;
  if (seconds % 60 === 0) return `${seconds / 60} min (${seconds} s)`;
  return `${seconds} s`;
}
