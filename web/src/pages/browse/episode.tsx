// One episode with every field memOS keeps of it: what happened, when, in which scope, and for an
// intervention its task, context and how it ended.
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, path, withQuery } from '../../router.js';
import { Badge, Show, Time } from '../../ui/parts.js';
import { OutcomeBadge } from './episodes.js';
import './browse.css';

const DAY = 86_400_000;

export function EpisodePage(props: { namespace: string; id: string }) {
  const { client } = useSession();
  const loaded = useLoad((signal) => client.episodes.get(props.id, { namespace: props.namespace, signal }), [props.namespace, props.id]);
  const ns = props.namespace;
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<Link href={path('n', ns)}>{ns}</Link>/<Link href={path('n', ns, 'episodes')}>episodes</Link>/<span>{props.id}</span>
      </nav>
      <h1>Episode</h1>
      <Show loaded={loaded} what="the episode">
        {(episode) => {
          const at = Date.parse(episode.occurredAt);
          // The day around it on the timeline, of the same user when it has one.
          const around = withQuery(episode.userId === undefined ? path('n', ns, 'episodes') : path('n', ns, 'u', episode.userId), {
            tab: episode.userId === undefined ? undefined : 'episodes',
            from: new Date(at - DAY).toISOString(),
            to: new Date(at + DAY).toISOString(),
          });
          return (
            <article class="card episode-card">
              <p class="episode-content">{episode.content}</p>
              <dl class="facts">
                <dt>Kind</dt>
                <dd>
                  <Badge tone={episode.kind === 'intervention' ? 'accent' : 'neutral'}>{episode.kind}</Badge>
                </dd>
                {episode.outcome !== undefined && (
                  <>
                    <dt>Outcome</dt>
                    <dd>
                      <OutcomeBadge outcome={episode.outcome} /> <code>{episode.outcome}</code>
                    </dd>
                  </>
                )}
                {episode.task !== undefined && (
                  <>
                    <dt>Task</dt>
                    <dd>{episode.task}</dd>
                  </>
                )}
                {episode.context !== undefined && (
                  <>
                    <dt>Context</dt>
                    <dd>{episode.context}</dd>
                  </>
                )}
                {episode.role !== undefined && (
                  <>
                    <dt>Role</dt>
                    <dd>{episode.role}</dd>
                  </>
                )}
                <dt>Occurred</dt>
                <dd>
                  <Time at={episode.occurredAt} /> · <Link href={around}>on the timeline</Link>
                </dd>
                <dt>Stored</dt>
                <dd>
                  <Time at={episode.createdAt} />
                </dd>
                <dt>Namespace</dt>
                <dd>{episode.namespace}</dd>
                <dt>User</dt>
                <dd>{episode.userId === undefined ? <span class="muted">—</span> : <Link href={path('n', ns, 'u', episode.userId)}>{episode.userId}</Link>}</dd>
                <dt>Agent</dt>
                <dd>{episode.agentId ?? <span class="muted">—</span>}</dd>
                <dt>Session</dt>
                <dd>{episode.sessionId === undefined ? <span class="muted">—</span> : <Link href={withQuery(path('n', ns, 'episodes'), { sessionId: episode.sessionId })}>{episode.sessionId}</Link>}</dd>
                <dt>Embedding</dt>
                <dd>
                  {episode.embedding.status}
                  {episode.embedding.model !== undefined && ` · ${episode.embedding.model}`}
                  {episode.embedding.dimensions !== undefined && ` · ${episode.embedding.dimensions} dimensions`}
                </dd>
                <dt>Id</dt>
                <dd>
                  <code>{episode.id}</code>
                </dd>
              </dl>
              <h2>Metadata</h2>
              {Object.keys(episode.metadata).length === 0 ? <p class="muted">None.</p> : <pre>{JSON.stringify(episode.metadata, null, 2)}</pre>}
            </article>
          );
        }}
      </Show>
    </div>
  );
}
