// One memory's page (a permalink): what it states and how sure memOS is of it (validity,
// supersession, retraction, last confirmation), where it came from, how it changed (its history
// as a diff), and, for keys that may write, the curation controls.
import type { Memory } from '@memos/client';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, path } from '../../router.js';
import { Badge, Show, Time } from '../../ui/parts.js';
import { MemoryActions } from '../curate/memory-actions.js';
import { MemoryHistoryView } from './memory-history.js';
import './memory.css';

/** Where the memory stands: current, superseded by another, or retracted. */
export function memoryStanding(memory: Memory): { label: string; tone: 'good' | 'warn' | 'bad' } {
  if (memory.retractedAt !== undefined) return { label: 'retracted', tone: 'bad' };
  if (memory.supersededBy !== undefined || memory.validTo !== undefined) return { label: 'superseded', tone: 'warn' };
  return { label: 'current', tone: 'good' };
}

export function MemoryPage(props: { namespace: string; id: string }) {
  const { client } = useSession();
  const call = { namespace: props.namespace };
  const loaded = useLoad(
    async (signal) => {
      const [memory, history] = await Promise.all([client.memories.get(props.id, { ...call, signal }), client.memories.history(props.id, { ...call, signal })]);
      return { memory, history };
    },
    [props.namespace, props.id],
  );
  const sources = useLoad((signal) => client.memories.sources(props.id, { ...call, signal }), [props.namespace, props.id]);
  const memoriesList = `${path('n', props.namespace)}/memories`;
  return (
    <div class="memory-page">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href={path('n', props.namespace)}>{props.namespace}</Link>
        <span aria-hidden="true">›</span>
        <Link href={memoriesList}>memories</Link>
        <span aria-hidden="true">›</span>
        <span class="mono">{props.id}</span>
      </nav>
      <Show loaded={loaded} what="the memory">
        {({ memory, history }) => {
          const standing = memoryStanding(memory);
          return (
            <>
              <header class="memory-head">
                <h1>Memory</h1>
                <Badge tone="accent">{memory.kind}</Badge>
                <span class="memory-standing">
                  <Badge tone={standing.tone}>{standing.label}</Badge>
                </span>
                <span class="muted">version {memory.version}</span>
              </header>
              <div class="split">
                <div>
                  <div class="card memory-card">
                    <p class="memory-content">{memory.content}</p>
                    <MemoryFacts namespace={props.namespace} memory={memory} />
                  </div>
                  <MemoryActions namespace={props.namespace} memory={memory} onChanged={() => (loaded.reload(), sources.reload())} />
                  <h2>History</h2>
                  <MemoryHistoryView memory={memory} history={history} />
                </div>
                <section aria-labelledby="memory-sources-title">
                  <h2 id="memory-sources-title">Sources</h2>
                  <Show loaded={sources} what="sources">
                    {(found) => (
                      <div class="card memory-sources">
                        <h3>Sessions</h3>
                        {found.sessionIds.length === 0 ? (
                          <p class="muted">Learned outside any session.</p>
                        ) : (
                          <ul>
                            {found.sessionIds.map((id) => (
                              <li key={id}>
                                <Link href={path('n', props.namespace, 'sessions', id)}>{id}</Link>
                              </li>
                            ))}
                          </ul>
                        )}
                        <h3>Episodes</h3>
                        {found.episodes.length === 0 && found.missingEpisodeIds.length === 0 && <p class="muted">No source episodes.</p>}
                        <ul class="memory-source-episodes">
                          {found.episodes.map((episode) => (
                            <li key={episode.id}>
                              <Link href={path('n', props.namespace, 'episodes', episode.id)}>{episode.content}</Link>
                              <span class="muted">
                                {' '}
                                · {episode.kind} · <Time at={episode.occurredAt} />
                              </span>
                            </li>
                          ))}
                          {found.missingEpisodeIds.map((id) => (
                            <li key={id} class="muted">
                              {id} (deleted, or beyond this key's reach)
                            </li>
                          ))}
                        </ul>
                      </div>
                    )}
                  </Show>
                </section>
              </div>
            </>
          );
        }}
      </Show>
    </div>
  );
}

function MemoryLink(props: { namespace: string; id: string }) {
  return (
    <Link href={path('n', props.namespace, 'memories', props.id)} class="mono">
      {props.id}
    </Link>
  );
}

function MemoryFacts(props: { namespace: string; memory: Memory }) {
  const { memory, namespace } = props;
  const metadata = Object.keys(memory.metadata ?? {}).length === 0 ? undefined : JSON.stringify(memory.metadata, null, 2);
  return (
    <dl class="facts memory-facts">
      <dt>Importance</dt>
      <dd>{memory.importance.toFixed(2)}</dd>
      <dt>Key</dt>
      <dd>{memory.key === undefined ? <span class="muted">none</span> : <code>{memory.key}</code>}</dd>
      <dt>Scope</dt>
      <dd>
        {memory.userId === undefined ? (
          <span class="muted">no user</span>
        ) : (
          <>
            user <Link href={path('n', namespace, 'u', memory.userId)}>{memory.userId}</Link>
          </>
        )}
        {memory.agentId !== undefined && <> · agent {memory.agentId}</>}
      </dd>
      <dt>Valid</dt>
      <dd class="memory-validity">
        from <Time at={memory.validFrom} /> {memory.validTo === undefined ? <span class="muted">until now</span> : <>to <Time at={memory.validTo} /></>}
      </dd>
      <dt>Last confirmed</dt>
      <dd class="memory-confirmed">
        <Time at={memory.lastConfirmedAt} /> <span class="muted">(<Time at={memory.lastConfirmedAt} relative />)</span>
        {memory.stale === true && (
          <>
            {' '}
            <Badge tone="warn" title="Past its kind's review period (truth.reviewDays): re-check the fact, then confirm or correct it">
              stale
            </Badge>
          </>
        )}
      </dd>
      {memory.supersedes.length > 0 && (
        <>
          <dt>Supersedes</dt>
          <dd>
            {memory.supersedes.map((id, index) => (
              <span key={id}>
                {index > 0 && ', '}
                <MemoryLink namespace={namespace} id={id} />
              </span>
            ))}
          </dd>
        </>
      )}
      {memory.supersededBy !== undefined && (
        <>
          <dt>Superseded by</dt>
          <dd>
            <MemoryLink namespace={namespace} id={memory.supersededBy} />
            {memory.supersessionReason !== undefined && <span class="muted"> ({memory.supersessionReason})</span>}
          </dd>
        </>
      )}
      {memory.retractedAt !== undefined && (
        <>
          <dt>Retracted</dt>
          <dd class="memory-retracted">
            <Time at={memory.retractedAt} />
            {memory.retractionReason !== undefined && <> · “{memory.retractionReason}”</>}
          </dd>
        </>
      )}
      {memory.conflicts.length > 0 && (
        <>
          <dt>Likely contradicts</dt>
          <dd>
            {memory.conflicts.map((conflict) => (
              <span key={conflict.memoryId} class="memory-conflict">
                <MemoryLink namespace={namespace} id={conflict.memoryId} /> <span class="muted">({conflict.reason})</span>{' '}
              </span>
            ))}
            <Link href={`${path('n', namespace)}/conflicts`}>resolve</Link>
          </dd>
        </>
      )}
      {memory.expiresAt !== undefined && (
        <>
          <dt>Expires</dt>
          <dd>
            <Time at={memory.expiresAt} />
          </dd>
        </>
      )}
      <dt>Written</dt>
      <dd>
        <Time at={memory.createdAt} /> · changed <Time at={memory.updatedAt} relative />
      </dd>
      <dt>Metadata</dt>
      <dd>{metadata === undefined ? <span class="muted">none</span> : <pre>{metadata}</pre>}</dd>
    </dl>
  );
}
