// The episode timeline of a namespace (or of one user): what happened, when, and how the agent's
// interventions ended. Filters, the time window and the page cursor live in the query string, so
// a zoomed, filtered timeline is a permalink.
import type { Episode } from '@memos/client';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { limitFrom, Link, navigate, path, routeWith, useRoute, type Route } from '../../router.js';
import { Badge, Pager, Show, Time } from '../../ui/parts.js';
import { OUTCOMES, Timeline, windowOf, type TimeWindow } from '../../ui/timeline.js';
import { FilterForm, TextFilter } from './filter-form.js';
import './browse.css';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KINDS = ['message', 'intervention', 'observation', 'tool_result', 'outcome'];

/** An ISO time from the query, as milliseconds; undefined when absent or unreadable. */
function timeFrom(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : at;
}

/** Minutes are enough for a window, and keep the permalink short. */
const iso = (at: number) => new Date(Math.round(at / 60_000) * 60_000).toISOString().replace(':00.000Z', 'Z');

/**
 * The timeline with its zoom, the list of its episodes and paging. `fixed` scopes it (a user's
 * page fixes `userId`); the rest of the filters come from the query.
 */
export function EpisodeTimeline(props: { namespace: string; fixed?: { userId?: string } }) {
  const { client } = useSession();
  const route = useRoute();
  const q = route.query;
  const text = (name: string) => q.get(name) ?? undefined;
  const userId = props.fixed?.userId ?? text('userId');
  const filters = { userId, agentId: text('agentId'), sessionId: text('sessionId'), kind: text('kind') };
  const asked: Partial<TimeWindow> = { from: timeFrom(q, 'from'), to: timeFrom(q, 'to') };
  const cursor = text('cursor');
  const limit = limitFrom(q);
  const loaded = useLoad(
    (signal) =>
      client.episodes.list(
        {
          ...filters,
          from: asked.from === undefined ? undefined : new Date(asked.from).toISOString(),
          to: asked.to === undefined ? undefined : new Date(asked.to).toISOString(),
          order: 'desc',
          limit,
          cursor,
        },
        { namespace: props.namespace, signal },
      ),
    [props.namespace, route.query.toString(), props.fixed?.userId],
  );
  const zoomTo = (window: TimeWindow | undefined) => navigate(routeWith(route, window === undefined ? { from: undefined, to: undefined } : { from: iso(window.from), to: iso(window.to) }));
  return (
    <section class="episodes-view" aria-label="Episode timeline">
      <EpisodeFilters fixedUser={props.fixed?.userId !== undefined} route={route} />
      <Show loaded={loaded} what="episodes">
        {(page) => {
          const window = windowOf(page.items, asked);
          const span = window.to - window.from;
          const middle = window.from + span / 2;
          const now = Date.now();
          return (
            <>
              <div class="actions tl-zoom" role="group" aria-label="Time window">
                <button type="button" onClick={() => zoomTo({ from: now - DAY, to: now })}>
                  Last day
                </button>
                <button type="button" onClick={() => zoomTo({ from: now - 7 * DAY, to: now })}>
                  Last week
                </button>
                <button type="button" onClick={() => zoomTo({ from: now - 30 * DAY, to: now })}>
                  Last month
                </button>
                <button type="button" onClick={() => zoomTo(undefined)} disabled={asked.from === undefined && asked.to === undefined}>
                  All time
                </button>
                <span class="tl-sep" aria-hidden="true" />
                <button type="button" onClick={() => zoomTo({ from: middle - span / 4, to: middle + span / 4 })} disabled={span <= 2 * HOUR}>
                  Zoom in
                </button>
                <button type="button" onClick={() => zoomTo({ from: middle - span, to: middle + span })}>
                  Zoom out
                </button>
                <button type="button" onClick={() => zoomTo({ from: window.from - span / 2, to: window.to - span / 2 })}>
                  Earlier
                </button>
                <button type="button" onClick={() => zoomTo({ from: window.from + span / 2, to: window.to + span / 2 })}>
                  Later
                </button>
                <span class="muted tl-window">
                  {asked.from === undefined && asked.to === undefined ? 'All time: ' : 'Window: '}
                  <Time at={new Date(window.from).toISOString()} /> – <Time at={new Date(window.to).toISOString()} />
                </span>
              </div>
              <Timeline episodes={page.items} window={window} onOpen={(episode) => navigate(path('n', props.namespace, 'episodes', episode.id))} />
              {page.nextCursor !== undefined && <p class="muted">The chart shows this page's {page.items.length} episodes; the next page holds older ones.</p>}
              <EpisodeList namespace={props.namespace} episodes={page.items} showUser={props.fixed?.userId === undefined} />
              <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => navigate(routeWith(route, { cursor: next }))} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

function EpisodeFilters(props: { route: Route; fixedUser: boolean }) {
  const q = props.route.query;
  return (
    <FilterForm route={props.route} label="Filter episodes" fixedUser={props.fixedUser}>
      <TextFilter query={q} name="agentId" label="Agent" />
      <TextFilter query={q} name="sessionId" label="Session" />
      <TextFilter query={q} name="kind" label="Kind" hint="Comma-separated for several" list="episode-kinds" size={14} />
      <datalist id="episode-kinds">
        {KINDS.map((kind) => (
          <option value={kind} key={kind} />
        ))}
      </datalist>
    </FilterForm>
  );
}

/** The episodes as text: time, kind, how an intervention ended, what happened, and a link to each. */
export function EpisodeList(props: { namespace: string; episodes: Episode[]; showUser: boolean }) {
  if (props.episodes.length === 0) return <p class="muted">No episodes match.</p>;
  return (
    <table class="episode-list">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Kind</th>
          <th scope="col">Outcome</th>
          <th scope="col">What happened</th>
          {props.showUser && <th scope="col">User</th>}
        </tr>
      </thead>
      <tbody>
        {props.episodes.map((episode) => (
          <tr key={episode.id} data-episode={episode.id}>
            <td class="nowrap">
              <Time at={episode.occurredAt} />
            </td>
            <td>
              <Badge tone={episode.kind === 'intervention' ? 'accent' : 'neutral'}>{episode.kind}</Badge>
            </td>
            <td>{episode.outcome === undefined ? <span class="muted">—</span> : <OutcomeBadge outcome={episode.outcome} />}</td>
            <td>
              <Link href={path('n', props.namespace, 'episodes', episode.id)}>{episode.content}</Link>
              {episode.task !== undefined && <div class="muted">Task: {episode.task}</div>}
            </td>
            {props.showUser && <td>{episode.userId === undefined ? <span class="muted">—</span> : <Link href={path('n', props.namespace, 'u', episode.userId)}>{episode.userId}</Link>}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OutcomeBadge(props: { outcome: NonNullable<Episode['outcome']> }) {
  const outcome = OUTCOMES[props.outcome];
  return (
    <Badge tone={outcome.tone} title={props.outcome}>
      {outcome.glyph} {outcome.label}
    </Badge>
  );
}

export function EpisodesPage(props: { namespace: string }) {
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<Link href={path('n', props.namespace)}>{props.namespace}</Link>/<span>episodes</span>
      </nav>
      <h1>Episode timeline</h1>
      <p class="muted">What happened in namespace {props.namespace}, newest first; interventions are marked by how they ended.</p>
      <EpisodeTimeline namespace={props.namespace} />
    </div>
  );
}
