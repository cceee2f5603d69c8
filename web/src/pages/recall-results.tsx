// What the playground shows for a recall: the hits with their score parts, and the context bundle
// as the model receives it, with its token count against the budget.
import type { ContextBundle, SearchHit, SearchResponse } from '@memos/client';
import { Link, path } from '../router.js';
import { Badge, Time } from '../ui/parts.js';
import { partScale, ScoreBars } from '../ui/score-bars.js';

export function RecallHits(props: { namespace: string; answer: SearchResponse }) {
  const { answer } = props;
  const scale = partScale(answer.hits.map((hit) => hit.parts));
  return (
    <>
      <p class="recall-meta">
        <Badge tone="accent">{answer.mode}</Badge>
        {answer.mode !== answer.requestedMode && <Badge tone="warn">asked for {answer.requestedMode}</Badge>}
        <Badge tone={answer.cached ? 'good' : 'neutral'} title="Whether memOS answered from its response cache">
          {answer.cached ? 'cached' : 'not cached'}
        </Badge>
        <span class="muted">
          {answer.hits.length} {answer.hits.length === 1 ? 'hit' : 'hits'}
        </span>
      </p>
      {answer.notices.map((notice) => (
        <p class="notice" key={notice}>
          {notice}
        </p>
      ))}
      {answer.hits.length === 0 ? (
        <p class="muted">Nothing recalled for this query and scope.</p>
      ) : (
        <ol class="recall-hits">
          {answer.hits.map((hit, index) => (
            <HitCard key={hit.id} namespace={props.namespace} hit={hit} rank={index + 1} scale={scale} />
          ))}
        </ol>
      )}
    </>
  );
}

function HitCard(props: { namespace: string; hit: SearchHit; rank: number; scale: ReturnType<typeof partScale> }) {
  const { hit } = props;
  const page = path('n', props.namespace, hit.type === 'memory' ? 'memories' : 'episodes', hit.id);
  return (
    <li class="card recall-hit" data-id={hit.id}>
      <div class="recall-hit-head">
        <span class="recall-score" title="0 to 1: in vector mode the cosine, else a share of this search's best hit">
          <span class="muted">score</span> <strong>{hit.score.toFixed(2)}</strong>
        </span>
        <Badge tone={hit.type === 'memory' ? 'accent' : 'neutral'}>{hit.type}</Badge>
        <Badge>{hit.item.kind}</Badge>
        {hit.type === 'memory' && hit.item.validTo !== undefined && (
          <Badge tone="warn" title="No longer current: recalled because superseded and retracted memories were asked for, or for a time in the past">
            {hit.item.retractedAt !== undefined ? 'retracted' : 'superseded'}
          </Badge>
        )}
        {hit.type === 'memory' && hit.stale && (
          <Badge tone="warn" title="Past its kind's review period: re-check the fact, then confirm or correct it">
            stale
          </Badge>
        )}
        {hit.type === 'memory' && (hit.conflictsWith?.length ?? 0) > 0 && (
          <Badge tone="bad" title="Flagged as likely contradicting another hit">
            conflict
          </Badge>
        )}
      </div>
      <p class="recall-content">
        <Link href={page}>{hit.item.content}</Link>
      </p>
      <p class="muted recall-hit-about">
        {hit.type === 'memory' ? (
          <>
            {hit.item.userId !== undefined && <>user {hit.item.userId} · </>}importance {hit.item.importance.toFixed(2)} · written <Time at={hit.item.createdAt} relative />
          </>
        ) : (
          <>
            {hit.item.userId !== undefined && <>user {hit.item.userId} · </>}
            {hit.item.sessionId !== undefined && <>session {hit.item.sessionId} · </>}
            <Time at={hit.item.occurredAt} relative />
          </>
        )}
      </p>
      {hit.type === 'memory' && (hit.conflictsWith?.length ?? 0) > 0 && (
        <p class="recall-conflicts">
          Likely contradicts{' '}
          {hit.conflictsWith!.map((id, index) => (
            <span key={id}>
              {index > 0 && ', '}
              <Link href={path('n', props.namespace, 'memories', id)}>{id}</Link>
            </span>
          ))}
        </p>
      )}
      <ScoreBars parts={hit.parts} scale={props.scale} />
    </li>
  );
}

export function ContextBundleCard(props: { bundle: ContextBundle }) {
  const { bundle } = props;
  const share = bundle.tokenBudget > 0 ? bundle.tokens / bundle.tokenBudget : 0;
  return (
    <div class="card recall-bundle">
      <div class="recall-budget">
        <label for="recall-budget-meter">
          <strong class="recall-tokens">{bundle.tokens}</strong> of {bundle.tokenBudget} tokens <span class="muted">({bundle.tokenizer})</span>
        </label>
        <meter id="recall-budget-meter" min={0} max={bundle.tokenBudget} value={bundle.tokens} high={bundle.tokenBudget * 0.9} optimum={0}>
          {Math.round(share * 100)}%
        </meter>
      </div>
      <p class="muted recall-bundle-about">
        {bundle.memories.length} memories, {bundle.episodes.length} episodes{bundle.session !== null && `, ${bundle.session.messages.length} messages of ${bundle.session.sessionId}`} · query from{' '}
        {bundle.querySource === 'request' ? 'the request' : bundle.querySource === 'last-user-message' ? "the session's last user message" : 'nowhere (ranked by importance and recency)'}
        {bundle.cached && ' · cached'}
      </p>
      {bundle.notices.map((notice) => (
        <p class="notice" key={notice}>
          {notice}
        </p>
      ))}
      <pre class="recall-bundle-text" tabIndex={0} aria-label="The bundle's text, as the model receives it">
        {bundle.text === '' ? '(empty)' : bundle.text}
      </pre>
    </div>
  );
}
