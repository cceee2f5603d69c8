// The recall playground: a search as an agent would make it (query, scope, mode, tiers, filters),
// its hits with the score parts behind each ("why did it recall this?"), and beside them the context
// bundle for the same query within a token budget, as the model would receive it. The form lives in
// the query string, so a recall is a permalink that runs again when opened.
import type { ContextRequest, SearchRequest } from '@memos/client';
import { useSession } from '../app-context.js';
import { useLoad } from '../data.js';
import { navigate, path, useRoute, withQuery } from '../router.js';
import { Field, Show } from '../ui/parts.js';
import { ContextBundleCard, RecallHits } from './recall-results.js';
import './recall.css';

type Mode = 'hybrid' | 'keyword' | 'vector';
type Tier = 'memories' | 'episodes';

/** The playground's form, as the query string holds it. */
interface RecallForm {
  q: string;
  userId: string;
  agentId: string;
  sessionId: string;
  mode: Mode;
  types: Tier[];
  limit: number;
  kind: string;
  from: string;
  to: string;
  asOf: string;
  includeSuperseded: boolean;
  budget: number;
}

const MODES: Mode[] = ['hybrid', 'keyword', 'vector'];
const TIERS: Tier[] = ['memories', 'episodes'];
const KINDS = ['fact', 'preference', 'reflection', 'summary', 'procedure', 'message', 'intervention', 'observation', 'tool_result', 'outcome'];

function readForm(query: URLSearchParams): RecallForm {
  const number = (name: string, fallback: number) => {
    const value = Number(query.get(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const mode = query.get('mode') as Mode | null;
  const types = (query.get('types') ?? '').split(',').filter((tier): tier is Tier => TIERS.includes(tier as Tier));
  return {
    q: query.get('q') ?? '',
    userId: query.get('userId') ?? '',
    agentId: query.get('agentId') ?? '',
    sessionId: query.get('sessionId') ?? '',
    mode: mode !== null && MODES.includes(mode) ? mode : 'hybrid',
    types: types.length === 0 ? TIERS : types,
    limit: number('limit', 10),
    kind: query.get('kind') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    asOf: query.get('asOf') ?? '',
    includeSuperseded: query.get('includeSuperseded') === 'true',
    budget: number('budget', 2000),
  };
}

/** The form as a query string: defaults left out, so the permalink stays short. */
function formQuery(form: RecallForm): Record<string, string | number | undefined> {
  return {
    q: form.q,
    userId: form.userId,
    agentId: form.agentId,
    sessionId: form.sessionId,
    mode: form.mode === 'hybrid' ? undefined : form.mode,
    types: form.types.length === TIERS.length ? undefined : form.types.join(','),
    limit: form.limit === 10 ? undefined : form.limit,
    kind: form.kind,
    from: form.from,
    to: form.to,
    asOf: form.asOf,
    includeSuperseded: form.includeSuperseded ? 'true' : undefined,
    budget: form.budget === 2000 ? undefined : form.budget,
  };
}

/** A time from a datetime-local field, read as UTC (the page says so), as memOS wants it: ISO 8601 with a zone. */
function utc(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** What search and context share: the scope, the tiers, the filters and the point in time. */
function recallRequest(form: RecallForm) {
  const from = utc(form.from);
  const to = utc(form.to);
  const asOf = utc(form.asOf);
  const filters = {
    ...(form.kind === '' ? {} : { kind: form.kind }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
  return {
    query: form.q,
    ...(form.userId === '' ? {} : { userId: form.userId }),
    ...(form.agentId === '' ? {} : { agentId: form.agentId }),
    ...(form.sessionId === '' ? {} : { sessionId: form.sessionId }),
    types: form.types,
    limit: form.limit,
    ...(Object.keys(filters).length === 0 ? {} : { filters }),
    ...(asOf === undefined ? {} : { asOf }),
    ...(form.includeSuperseded ? { includeSuperseded: true } : {}),
  };
}

export function RecallPage(props: { namespace: string }) {
  const { client } = useSession();
  const route = useRoute();
  const form = readForm(route.query);
  const permalink = withQuery(`${path('n', props.namespace)}/recall`, formQuery(form));
  const asked = form.q.trim() !== '';
  const search = useLoad(
    (signal) => (asked ? client.search({ ...recallRequest(form), mode: form.mode } satisfies SearchRequest, { namespace: props.namespace, signal }) : Promise.resolve(undefined)),
    [props.namespace, permalink],
  );
  const bundle = useLoad(
    (signal) => (asked ? client.context({ ...recallRequest(form), tokenBudget: form.budget } satisfies ContextRequest, { namespace: props.namespace, signal }) : Promise.resolve(undefined)),
    [props.namespace, permalink],
  );
  return (
    <div class="recall">
      <h1>Recall playground</h1>
      <p class="muted">Search {props.namespace} as an agent would, see why each record was recalled, and the context bundle a model would receive.</p>
      <RecallFormView key={permalink} form={form} namespace={props.namespace} />
      {!asked ? (
        <p class="muted">Type what to recall and press Recall. The address then holds the whole form: share it to show the same recall.</p>
      ) : (
        <div class="split recall-split">
          <section aria-labelledby="recall-hits-title">
            <h2 id="recall-hits-title">Hits</h2>
            <Show loaded={search} what="hits">
              {(answer) => (answer === undefined ? null : <RecallHits namespace={props.namespace} answer={answer} />)}
            </Show>
          </section>
          <section aria-labelledby="recall-bundle-title">
            <h2 id="recall-bundle-title">Context bundle</h2>
            <Show loaded={bundle} what="the context bundle">
              {(answer) => (answer === undefined ? null : <ContextBundleCard bundle={answer} />)}
            </Show>
          </section>
        </div>
      )}
    </div>
  );
}

/** The form, filled from the address (uncontrolled: selects by `selected`, which Preact sets on a select's options only); submitting puts it back in the address, which runs the recall. */
function RecallFormView(props: { form: RecallForm; namespace: string }) {
  const { form } = props;
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const next: RecallForm = {
      q: text('q'),
      userId: text('userId'),
      agentId: text('agentId'),
      sessionId: text('sessionId'),
      mode: text('mode') as Mode,
      types: data.getAll('types').map(String) as Tier[],
      limit: Number(text('limit')) || 10,
      kind: text('kind'),
      from: text('from'),
      to: text('to'),
      asOf: text('asOf'),
      includeSuperseded: data.get('includeSuperseded') === 'on',
      budget: Number(text('budget')) || 2000,
    };
    if (next.types.length === 0) next.types = TIERS;
    navigate(withQuery(`${path('n', props.namespace)}/recall`, formQuery(next)));
  };
  return (
    <form class="recall-form card" onSubmit={submit} aria-label="Recall">
      <div class="recall-query">
        <Field label="Query">
          <input name="q" type="search" defaultValue={form.q} placeholder="where does Ana live" required maxLength={4096} />
        </Field>
        <button type="submit" class="primary">
          Recall
        </button>
      </div>
      <div class="recall-options">
        <Field label="User">
          <input name="userId" defaultValue={form.userId} size={10} spellcheck={false} />
        </Field>
        <Field label="Agent">
          <input name="agentId" defaultValue={form.agentId} size={10} spellcheck={false} />
        </Field>
        <Field label="Session">
          <input name="sessionId" defaultValue={form.sessionId} size={12} spellcheck={false} />
        </Field>
        <Field label="Mode">
          <select name="mode">
            {MODES.map((mode) => (
              <option key={mode} value={mode} selected={mode === form.mode}>
                {mode}
              </option>
            ))}
          </select>
        </Field>
        <div class="field recall-tiers" role="group" aria-labelledby="recall-tiers-label">
          <span id="recall-tiers-label">Tiers</span>
          <div class="recall-tier-boxes">
            {TIERS.map((tier) => (
              <label key={tier}>
                <input type="checkbox" name="types" value={tier} defaultChecked={form.types.includes(tier)} /> {tier}
              </label>
            ))}
          </div>
        </div>
        <Field label="Limit">
          <input name="limit" type="number" min={1} max={100} defaultValue={String(form.limit)} size={4} />
        </Field>
        <Field label="Token budget">
          <input name="budget" type="number" min={32} max={131072} step={1} defaultValue={String(form.budget)} size={6} />
        </Field>
      </div>
      <details class="recall-more" open={form.kind !== '' || form.from !== '' || form.to !== '' || form.asOf !== '' || form.includeSuperseded}>
        <summary>Filters and time</summary>
        <div class="recall-options">
          <Field label="Kind">
            <select name="kind">
              <option value="" selected={form.kind === ''}>
                any
              </option>
              {KINDS.map((kind) => (
                <option key={kind} value={kind} selected={kind === form.kind}>
                  {kind}
                </option>
              ))}
            </select>
          </Field>
          <Field label="From (UTC)">
            <input name="from" type="datetime-local" defaultValue={form.from} />
          </Field>
          <Field label="To (UTC)">
            <input name="to" type="datetime-local" defaultValue={form.to} />
          </Field>
          <Field label="As of (UTC)" hint="What held then">
            <input name="asOf" type="datetime-local" defaultValue={form.asOf} />
          </Field>
          <label class="recall-check">
            <input type="checkbox" name="includeSuperseded" defaultChecked={form.includeSuperseded} /> Include superseded and retracted
          </label>
        </div>
      </details>
    </form>
  );
}
