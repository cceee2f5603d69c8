// The receipt of a verified erasure (GET /api/v1/erasures/:receiptId), at a permalink so it can be
// kept as a compliance record: what was erased, how many entries each place held, and what the
// verification pass found there afterwards.
import type { ErasureReceipt } from '@memos/client';
import { useSession } from '../../app-context.js';
import { useLoad } from '../../data.js';
import { Link, path } from '../../router.js';
import { may } from '../../session.js';
import { Badge, Show, Time } from '../../ui/parts.js';
import './erasure-receipt.css';

/** The places memOS erases from, grouped the way an operator reads them; a place memOS adds later lands in "Other". */
const GROUPS: { title: string; places: Record<string, string> }[] = [
  {
    title: 'Records',
    places: { sessions: 'Sessions (short-term)', outbox: 'Session outbox (messages awaiting promotion)', episodes: 'Episodes', memories: 'Memories', memoryHistory: 'Memory history (earlier versions)' },
  },
  {
    title: 'Indexes',
    places: { vectors: 'Vectors', vectorIndex: 'Vector index', vectorSnapshots: 'Vector index snapshots', keywordIndex: 'Keyword index', keywordStatistics: 'Keyword statistics' },
  },
  { title: 'Caches', places: { responseCache: 'Search and context answers', embeddingCache: 'Cached embeddings' } },
  { title: 'Audit', places: { auditLog: 'Audit log entries' } },
];

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (first) => first.toUpperCase());

export function ErasureReceiptPage(props: { namespace: string; receiptId: string }) {
  const { client, caller } = useSession();
  const allowed = may(caller, 'write');
  const receipt = useLoad(
    (signal) => (allowed ? client.erasure.getReceipt(props.receiptId, { namespace: props.namespace, signal }) : Promise.resolve(undefined)),
    [props.namespace, props.receiptId, allowed],
  );
  return (
    <article class="receipt" aria-labelledby="receipt-title">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link href={path('n', props.namespace)}>{props.namespace}</Link>
        <span aria-hidden="true">/</span>
        <span>erasures</span>
        <span aria-hidden="true">/</span>
        <span class="mono">{props.receiptId}</span>
      </nav>
      <h1 id="receipt-title">Erasure receipt</h1>
      {!allowed ? (
        <p class="notice">Erasure receipts need a write key (or an admin key) within this namespace.</p>
      ) : (
        <Show loaded={receipt} what="the receipt">
          {(data) => (data === undefined ? null : <Receipt receipt={data} />)}
        </Show>
      )}
    </article>
  );
}

function Receipt(props: { receipt: ErasureReceipt }) {
  const { receipt } = props;
  const places = [...new Set([...Object.keys(receipt.removed), ...Object.keys(receipt.verified)])];
  const known = new Set(GROUPS.flatMap((group) => Object.keys(group.places)));
  const groups = [...GROUPS, { title: 'Other', places: Object.fromEntries(places.filter((place) => !known.has(place)).map((place) => [place, words(place)])) }];
  const removedTotal = Object.values(receipt.removed).reduce((sum, count) => sum + count, 0);
  const dirty = places.filter((place) => (receipt.verified[place] ?? 'clean') !== 'clean');
  const ms = Date.parse(receipt.finishedAt) - Date.parse(receipt.startedAt);
  return (
    <>
      <p class={receipt.ok ? 'receipt-verdict good' : 'receipt-verdict bad'} role="status">
        <Badge tone={receipt.ok ? 'good' : 'bad'}>{receipt.ok ? 'verified' : 'not verified'}</Badge>{' '}
        {receipt.ok
          ? `Every place was checked again after the erasure and is clean: ${removedTotal} entries removed.`
          : `The verification pass still found the subject in ${dirty.length} place${dirty.length === 1 ? '' : 's'}: ${dirty.join(', ')}. Erase again, and report it if it stays.`}
      </p>
      <dl class="facts receipt-facts">
        <dt>Receipt</dt>
        <dd class="mono">{receipt.receiptId}</dd>
        <dt>Erased</dt>
        <dd>{receipt.subject.userId === undefined ? `the whole namespace ${receipt.subject.namespace}` : `user ${receipt.subject.userId} in ${receipt.subject.namespace}`}</dd>
        <dt>Started</dt>
        <dd>
          <Time at={receipt.startedAt} /> <span class="muted">({receipt.startedAt})</span>
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time at={receipt.finishedAt} /> <span class="muted">({receipt.finishedAt}; {Number.isFinite(ms) ? `${ms} ms` : '—'} with verification)</span>
        </dd>
      </dl>
      {groups
        .filter((group) => Object.keys(group.places).some((place) => places.includes(place)))
        .map((group) => (
          <section key={group.title} aria-labelledby={`receipt-${group.title}`}>
            <h2 id={`receipt-${group.title}`}>{group.title}</h2>
            <table class="receipt-table">
              <thead>
                <tr>
                  <th scope="col">Place</th>
                  <th scope="col" class="num">
                    Removed
                  </th>
                  <th scope="col">Verification</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(group.places)
                  .filter(([place]) => places.includes(place))
                  .map(([place, label]) => {
                    const verified = receipt.verified[place] ?? 'not checked';
                    return (
                      <tr key={place} data-place={place}>
                        <th scope="row">
                          {label} <code class="muted">{place}</code>
                        </th>
                        <td class="num">{receipt.removed[place] ?? 0}</td>
                        <td>
                          <Badge tone={verified === 'clean' ? 'good' : 'bad'}>{verified}</Badge>
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </section>
        ))}
    </>
  );
}
