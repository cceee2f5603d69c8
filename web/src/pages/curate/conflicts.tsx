// The open conflicts of a namespace: pairs of current memories flagged as likely contradicting each
// other, side by side. A key that may write settles a pair by keeping one: the other is retracted
// (with the kept one named as the reason), so the pair is no longer open and leaves the list.
import type { Conflict, Memory } from '@memos/client';
import { useState } from 'preact/hooks';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, navigate, path, useRoute, withQuery } from '../../router.js';
import { may } from '../../session.js';
import { Badge, ErrorNote, Field, Pager, Show, Time } from '../../ui/parts.js';
import './curate.css';

export function ConflictsPage(props: { namespace: string }) {
  const { client, caller } = useSession();
  const route = useRoute();
  const userId = route.query.get('userId') ?? '';
  const cursor = route.query.get('cursor') ?? undefined;
  const here = `${path('n', props.namespace)}/conflicts`;
  const loaded = useLoad(
    (signal) => client.memories.conflicts({ ...(userId === '' ? {} : { userId }), ...(cursor === undefined ? {} : { cursor }), limit: 25 }, { namespace: props.namespace, signal }),
    [props.namespace, userId, cursor],
  );
  return (
    <div class="conflicts-page">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href={path('n', props.namespace)}>{props.namespace}</Link>
        <span aria-hidden="true">›</span>
        <span>conflicts</span>
      </nav>
      <h1>Conflicts</h1>
      <p class="muted">Pairs of current memories flagged as likely contradicting each other. Keep the one that holds; the other is retracted and stays readable.</p>
      <form
        class="filters"
        key={userId}
        onSubmit={(event) => {
          event.preventDefault();
          navigate(withQuery(here, { userId: String(new FormData(event.currentTarget).get('userId') ?? '').trim() }));
        }}
      >
        <Field label="User">
          <input name="userId" defaultValue={userId} spellcheck={false} size={14} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Show loaded={loaded} what="conflicts">
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <p class="muted conflicts-none">No open conflicts{userId === '' ? '' : ` for ${userId}`}{cursor === undefined ? '' : ' on this page'}.</p>
            ) : (
              <ul class="conflict-list">
                {page.items.map((conflict) => (
                  <ConflictPair key={`${conflict.memory.id}-${conflict.conflictsWith.id}`} namespace={props.namespace} conflict={conflict} canWrite={may(caller, 'write')} onSettled={loaded.reload} />
                ))}
              </ul>
            )}
            <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => navigate(withQuery(here, { userId, cursor: next }))} />
          </>
        )}
      </Show>
    </div>
  );
}

function ConflictPair(props: { namespace: string; conflict: Conflict; canWrite: boolean; onSettled(): void }) {
  const { client } = useSession();
  const { conflict } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const keep = async (kept: Memory, dropped: Memory) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.memories.retract(dropped.id, { reason: `contradicted by ${kept.id}, kept in a conflict review` }, { namespace: props.namespace });
      props.onSettled();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const titleId = `conflict-${conflict.memory.id}-${conflict.conflictsWith.id}`;
  return (
    <li class="card conflict-pair" aria-labelledby={titleId}>
      <p class="conflict-why" id={titleId}>
        <Badge tone="bad">{conflict.reason}</Badge>
        <span class="muted">
          flagged by the {conflict.source} <Time at={conflict.at} relative />
          {conflict.similarity !== undefined && <> · similarity {conflict.similarity.toFixed(2)}</>}
          {conflict.memory.userId !== undefined && <> · user {conflict.memory.userId}</>}
        </span>
      </p>
      <div class="conflict-sides">
        {[
          { side: conflict.memory, other: conflict.conflictsWith, label: 'Flagged' },
          { side: conflict.conflictsWith, other: conflict.memory, label: 'Contradicts' },
        ].map(({ side, other, label }) => (
          <div class="conflict-side" key={side.id}>
            <p class="muted conflict-side-label">{label}</p>
            <p class="conflict-content" id={`conflict-content-${side.id}`}>
              <Link href={path('n', props.namespace, 'memories', side.id)}>{side.content}</Link>
            </p>
            <p class="muted conflict-side-about">
              {side.kind} · importance {side.importance.toFixed(2)} · stated <Time at={side.lastConfirmedAt} relative />
            </p>
            {props.canWrite && (
              <button type="button" class="primary" disabled={busy} aria-describedby={`conflict-content-${side.id}`} onClick={() => keep(side, other)}>
                Keep this one
              </button>
            )}
          </div>
        ))}
      </div>
      {error !== undefined && <ErrorNote error={error} />}
    </li>
  );
}
