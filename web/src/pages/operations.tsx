// Operations: how this memOS is doing now. Health per component, the embedding backlog, cache hit
// rates, request rate and latency over the last minutes, and record counts of the namespace,
// polled every few seconds while the tab is visible. Each panel shows only when the key may read
// what it needs: process-wide numbers need a key that reaches every namespace and no single user,
// the caches and the backlog need admin, the namespace's counts need write.
import type { Ok } from '@memos/client';
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../app-context.js';
import { useLoad } from '../data.js';
import { useNamespace } from '../router.js';
import { may, reachesEverything } from '../session.js';
import { LineChart } from '../ui/charts.js';
import { Show } from '../ui/parts.js';
import { BacklogPanel, CachePanel, HealthPanel, RecordsPanel } from './operations-panels.js';
import './operations.css';

/** How often the view asks again while visible. */
const POLL_MS = 5000;

/** A number that goes up every `ms` while the page is visible, and once more when it becomes visible again. */
export function usePolling(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const next = () => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    };
    const timer = setInterval(next, ms);
    document.addEventListener('visibilitychange', next);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', next);
    };
  }, [ms]);
  return tick;
}

export function OperationsPage(_props: {}) {
  const { caller } = useSession();
  // /operations has no namespace in its path: the top bar's picker sets `?namespace=` (a permalink), which the shell reads.
  const namespace = useNamespace() ?? 'default';
  const tick = usePolling(POLL_MS);
  const processWide = reachesEverything(caller);
  const admin = processWide && may(caller, 'admin');
  const counts = may(caller, 'write');
  return (
    <section class="ops" aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <p class="muted">This memOS process now, refreshed every {POLL_MS / 1000} s while this tab is visible.</p>
      {!processWide && !counts && (
        <p class="notice">
          This key may see none of the operations view: health and request numbers need a read key that reaches every namespace and no single user, the caches and the embedding backlog need an admin key, and record counts need a write key.
        </p>
      )}
      {!processWide && counts && (
        <p class="notice">Health, requests, caches and the embedding backlog cover every namespace: they need a key that reaches every namespace and no single user. This key sees the record counts of {namespace} only.</p>
      )}
      {processWide && (
        <>
          <HealthPanel tick={tick} />
          <RequestsPanel tick={tick} />
        </>
      )}
      {admin ? (
        <div class="ops-columns">
          <BacklogPanel tick={tick} />
          <CachePanel tick={tick} />
        </div>
      ) : (
        processWide && <p class="notice">The caches and the embedding backlog need an admin key.</p>
      )}
      {counts && <RecordsPanel tick={tick} namespace={namespace} />}
    </section>
  );
}

type Recent = Ok<'GET /metrics/recent'>;

/** "−15 min", "−7.5 min", "now" under a window of `seconds`. */
const windowLabels = (seconds: number): [string, string, string] => [`−${seconds / 60} min`, `−${seconds / 120} min`, 'now'];

function RequestsPanel(props: { tick: number }) {
  const { client } = useSession();
  const recent = useLoad((signal) => client.recentRequests({ signal }), [props.tick]);
  return (
    <section class="card ops-panel" aria-labelledby="ops-requests">
      <h2 id="ops-requests">Requests, last {recent.data === undefined ? 15 : recent.data.windowSeconds / 60} minutes</h2>
      <Show loaded={recent} what="request rate">
        {(data) => <RequestCharts data={data} />}
      </Show>
    </section>
  );
}

function RequestCharts(props: { data: Recent }) {
  const { buckets, intervalSeconds, windowSeconds } = props.data;
  const sum = (field: 'requests' | 'errors' | 'clientErrors') => buckets.reduce((total, bucket) => total + bucket[field], 0);
  const requests = sum('requests');
  const peak = Math.max(0, ...buckets.map((bucket) => bucket.requests));
  const busy = buckets.filter((bucket) => bucket.requests > 0);
  const latest = busy.at(-1);
  const worstP95 = Math.max(0, ...busy.map((bucket) => bucket.p95Ms));
  const minutes = windowSeconds / 60;
  const rateLabel =
    `Requests per ${intervalSeconds} s over the last ${minutes} minutes: ${requests} in all, ${sum('errors')} server errors (5xx), ` +
    `${sum('clientErrors')} client errors (4xx); at most ${peak} in one interval, ${buckets.at(-1)?.requests ?? 0} in the current one.`;
  const latencyLabel =
    latest === undefined
      ? `Latency over the last ${minutes} minutes: no requests.`
      : `Latency over the last ${minutes} minutes: in the latest busy interval p50 ${latest.p50Ms} ms and p95 ${latest.p95Ms} ms; the highest p95 was ${worstP95} ms.`;
  return (
    <div class="ops-columns">
      <div>
        <h3>Request rate</h3>
        <LineChart
          label={rateLabel}
          xLabels={windowLabels(windowSeconds)}
          unit={`/${intervalSeconds}s`}
          series={[
            { name: 'requests', values: buckets.map((bucket) => bucket.requests), colour: 1, area: true },
            { name: 'errors (4xx and 5xx)', values: buckets.map((bucket) => bucket.errors + bucket.clientErrors), colour: 4 },
          ]}
        />
        <p class="muted ops-sum">
          {requests} requests, {sum('clientErrors')} 4xx, {sum('errors')} 5xx. Scrapes of /metrics, this chart's own polling and the UI's pages are not counted.
        </p>
      </div>
      <div>
        <h3>Latency</h3>
        <LineChart
          label={latencyLabel}
          xLabels={windowLabels(windowSeconds)}
          unit="ms"
          series={[
            { name: 'p50', values: buckets.map((bucket) => bucket.p50Ms), colour: 2 },
            { name: 'p95', values: buckets.map((bucket) => bucket.p95Ms), colour: 3 },
          ]}
        />
        <p class="muted ops-sum">{latest === undefined ? 'No requests yet.' : `Latest: p50 ${latest.p50Ms} ms, p95 ${latest.p95Ms} ms, slowest ${latest.maxMs} ms.`}</p>
      </div>
    </div>
  );
}
