// The memories of a namespace (or of one user) as a table: what is known, how much it matters,
// whether it still holds (current, superseded, retracted, expired) and where it came from. Filters
// and the cursor live in the query string, so a filtered list is a permalink.
import type { Memory } from '@memos/client';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { limitFrom, Link, navigate, path, routeWith, useRoute, type Route } from '../../router.js';
import { Badge, Field, Pager, relativeTime, Show, Time } from '../../ui/parts.js';
import { FilterForm, TextFilter } from './filter-form.js';
import './browse.css';

const KINDS = ['fact', 'preference', 'reflection', 'summary', 'procedure'] as const;

type Validity = { label: string; tone: 'good' | 'warn' | 'bad' | 'neutral'; why: string };

/** Whether a memory still holds, from its validity window and what replaced or retracted it. */
export function validityOf(memory: Memory, now = Date.now()): Validity {
  if (memory.retractedAt !== undefined) return { label: 'retracted', tone: 'bad', why: `Retracted ${new Date(memory.retractedAt).toUTCString()}${memory.retractionReason === undefined ? '' : `: ${memory.retractionReason}`}` };
  if (memory.supersededBy !== undefined) return { label: 'superseded', tone: 'warn', why: `Superseded by ${memory.supersededBy}${memory.supersessionReason === undefined ? '' : ` (${memory.supersessionReason})`}` };
  if (memory.expiresAt !== undefined && Date.parse(memory.expiresAt) <= now) return { label: 'expired', tone: 'neutral', why: `Expired ${new Date(memory.expiresAt).toUTCString()}` };
  if (memory.validTo !== undefined && Date.parse(memory.validTo) <= now) return { label: 'ended', tone: 'neutral', why: `Held until ${new Date(memory.validTo).toUTCString()}` };
  if (Date.parse(memory.validFrom) > now) return { label: 'future', tone: 'neutral', why: `Holds from ${new Date(memory.validFrom).toUTCString()}` };
  return { label: 'current', tone: 'good', why: `Holds since ${new Date(memory.validFrom).toUTCString()}` };
}


export function ImportanceBar(props: { value: number }) {
  const percent = Math.round(Math.min(1, Math.max(0, props.value)) * 100);
  return (
    <span class="importance" title={`importance ${props.value}`}>
      <span class="importance-track" aria-hidden="true">
        <span class="importance-fill" style={{ width: `${percent}%` }} />
      </span>
      <span class="importance-value">{props.value.toFixed(2)}</span>
    </span>
  );
}

/** The table with its filters and paging; `fixed` scopes it (a user's page fixes `userId`). */
export function MemoryList(props: { namespace: string; fixed?: { userId?: string } }) {
  const { client } = useSession();
  const route = useRoute();
  const q = route.query;
  const text = (name: string) => q.get(name) || undefined;
  const fixedUser = props.fixed?.userId;
  const asOf = text('asOf');
  const includeSuperseded = asOf === undefined && q.get('includeSuperseded') === 'true';
  const metadata = parseMetadata(text('metadata'));
  const cursor = text('cursor');
  const loaded = useLoad(
    (signal) => {
      if (metadata instanceof Error) return Promise.reject(metadata);
      return client.memories.list(
        {
          userId: fixedUser ?? text('userId'),
          agentId: text('agentId'),
          kind: text('kind'),
          key: text('key'),
          asOf: asOf === undefined ? undefined : new Date(asOf).toISOString(),
          includeSuperseded: includeSuperseded ? 'true' : undefined,
          metadata,
          limit: limitFrom(q),
          cursor,
        },
        { namespace: props.namespace, signal },
      );
    },
    [props.namespace, q.toString(), fixedUser],
  );
  return (
    <section class="memories-view" aria-label="Memories">
      <MemoryFilters route={route} fixedUser={fixedUser !== undefined} />
      <Show loaded={loaded} what="memories">
        {(page) => (
          <>
            <MemoryTable namespace={props.namespace} memories={page.items} showUser={fixedUser === undefined} />
            <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => navigate(routeWith(route, { cursor: next }))} />
          </>
        )}
      </Show>
    </section>
  );
}

/** The `metadata` filter: a JSON object of exact values, or an error that says why not. */
function parseMetadata(raw: string | undefined): Record<string, string | number | boolean> | undefined | Error {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => ['string', 'number', 'boolean'].includes(typeof entry))) return value as Record<string, string | number | boolean>;
  } catch {
    // Answered below, in words.
  }
  return new Error('The metadata filter must be a JSON object of strings, numbers or booleans, such as {"source":"crm"}.');
}

function MemoryFilters(props: { route: Route; fixedUser: boolean }) {
  const q = props.route.query;
  return (
    <FilterForm route={props.route} label="Filter memories" fixedUser={props.fixedUser}>
      <TextFilter query={q} name="agentId" label="Agent" />
      <Field label="Kind">
        <select name="kind">
          <option value="">any kind</option>
          {KINDS.map((kind) => (
            <option value={kind} key={kind} selected={q.get('kind') === kind}>
              {kind}
            </option>
          ))}
        </select>
      </Field>
      <TextFilter query={q} name="key" label="Key" />
      <TextFilter query={q} name="asOf" label="As of" hint="ISO time: what held then" size={18} placeholder="2026-11-01T00:00Z" />
      <TextFilter query={q} name="metadata" label="Metadata" hint='JSON, e.g. {"source":"crm"}' size={16} />
      <label class="check">
        <input type="checkbox" name="includeSuperseded" defaultChecked={q.get('includeSuperseded') === 'true'} />
        Superseded and retracted too
      </label>
    </FilterForm>
  );
}

export function MemoryTable(props: { namespace: string; memories: Memory[]; showUser: boolean }) {
  if (props.memories.length === 0) return <p class="muted">No memories match.</p>;
  const now = Date.now();
  return (
    <table class="memory-table">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Importance</th>
          <th scope="col">Key</th>
          <th scope="col">Content</th>
          <th scope="col">Validity</th>
          <th scope="col">Confirmed</th>
          <th scope="col" class="num">
            Sources
          </th>
          {props.showUser && <th scope="col">User</th>}
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {props.memories.map((memory) => {
          const href = path('n', props.namespace, 'memories', memory.id);
          const validity = validityOf(memory, now);
          const sources = memory.sourceEpisodeIds.length + memory.sourceSessionIds.length;
          return (
            <tr
              key={memory.id}
              data-memory={memory.id}
              class="memory-row"
              // The row opens the memory on a click anywhere; the content is the link keyboards use.
              onClick={(event) => {
                if (!(event.target instanceof Element) || event.target.closest('a') === null) navigate(href);
              }}
            >
              <td>
                <Badge tone="accent">{memory.kind}</Badge>
              </td>
              <td>
                <ImportanceBar value={memory.importance} />
              </td>
              <td>{memory.key === undefined ? <span class="muted">—</span> : <code>{memory.key}</code>}</td>
              <td class="memory-content">
                <Link href={href}>{memory.content}</Link>
                {memory.conflicts.length > 0 && (
                  <div>
                    <Badge tone="warn" title="Flagged as likely contradicting another memory">
                      {memory.conflicts.length === 1 ? 'conflict' : `${memory.conflicts.length} conflicts`}
                    </Badge>
                  </div>
                )}
              </td>
              <td>
                <Badge tone={validity.tone} title={validity.why}>
                  {validity.label}
                </Badge>
              </td>
              <td class="nowrap">
                {memory.stale === true ? (
                  <Badge tone="warn" title="Past its kind's review period: re-check it, then confirm or correct it">
                    stale
                  </Badge>
                ) : null}{' '}
                <time dateTime={memory.lastConfirmedAt} title={memory.lastConfirmedAt}>
                  {relativeTime(new Date(memory.lastConfirmedAt), now)}
                </time>
              </td>
              <td class="num">{sources}</td>
              {props.showUser && <td>{memory.userId === undefined ? <span class="muted">—</span> : <Link href={path('n', props.namespace, 'u', memory.userId)}>{memory.userId}</Link>}</td>}
              <td class="nowrap">
                <Time at={memory.updatedAt} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function MemoriesPage(props: { namespace: string }) {
  return (
    <div class="browse">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href="/n">Namespaces</Link>/<Link href={path('n', props.namespace)}>{props.namespace}</Link>/<span>memories</span>
      </nav>
      <h1>Memories</h1>
      <p class="muted">What memOS knows in namespace {props.namespace}, newest first. Superseded and retracted versions stay readable with the box below.</p>
      <MemoryList namespace={props.namespace} />
    </div>
  );
}
