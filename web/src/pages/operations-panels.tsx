// The panels of the operations view other than requests: health per component, the embedding
// backlog (with a reindex for admins), cache hit rates, and record counts per tier.
import type { Ok } from '@memos/client';
import { useState } from 'preact/hooks';
import { useSession } from '../app-context.js';
import { useLoad } from '../data.js';
import { Bars, Donut, StackedBar } from '../ui/charts.js';
import { Badge, ErrorNote, Show } from '../ui/parts.js';

const TONE = { healthy: 'good', degraded: 'warn', unhealthy: 'bad' } as const;

export function HealthPanel(props: { tick: number }) {
  const { client } = useSession();
  const health = useLoad((signal) => client.health.detailed({ signal }), [props.tick]);
  return (
    <section class="card ops-panel" aria-labelledby="ops-health">
      <h2 id="ops-health">
        Health {health.data !== undefined && <Badge tone={TONE[health.data.status]}>{health.data.status}</Badge>}
      </h2>
      <Show loaded={health} what="health">
        {(report) => (
          <>
            <p class="muted">
              Storage {report.backends.storage}, cache {report.backends.cache}, sessions {report.backends.sessions}.
            </p>
            <ul class="ops-components">
              {Object.entries(report.components).map(([name, component]) => (
                <li key={name} class="ops-component" data-component={name}>
                  <div class="ops-component-head">
                    <strong>{name}</strong>
                    <Badge tone={TONE[component.status]}>{component.status}</Badge>
                    <span class="muted ops-latency">{component.latencyMs.toFixed(component.latencyMs < 10 ? 2 : 0)} ms</span>
                  </div>
                  <div class="ops-detail">{component.detail}</div>
                </li>
              ))}
            </ul>
            {report.warnings?.map((warning) => (
              <p class="warn" key={warning}>
                {warning}
              </p>
            ))}
          </>
        )}
      </Show>
    </section>
  );
}

type Reindex = Ok<'GET /api/v1/admin/reindex'>;

export function BacklogPanel(props: { tick: number }) {
  const { client } = useSession();
  const status = useLoad((signal) => client.reindex.status({ signal }), [props.tick]);
  const [started, setStarted] = useState<string | undefined>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const start = async (retryFailed: boolean) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const answer = await client.reindex.start(retryFailed ? { retryFailed: true } : {});
      setStarted(retryFailed ? `${answer.retried ?? 0} failed records made pending again; embedding started.` : 'Embedding of pending records started.');
      status.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card ops-panel" aria-labelledby="ops-backlog">
      <h2 id="ops-backlog">Embedding backlog</h2>
      <Show loaded={status} what="the backlog">
        {(data) => (
          <>
            <Backlog data={data} />
            <div class="actions">
              <button type="button" disabled={busy || data.running || data.progress === undefined} onClick={() => start(false)}>
                Reindex pending
              </button>
              {(data.progress?.failed ?? 0) > 0 && (
                <button type="button" disabled={busy || data.progress === undefined} onClick={() => start(true)}>
                  Retry failed
                </button>
              )}
            </div>
            {started !== undefined && (
              <p class="muted" role="status">
                {started}
              </p>
            )}
            {failure !== undefined && <ErrorNote error={failure} />}
          </>
        )}
      </Show>
    </section>
  );
}

function Backlog(props: { data: Reindex }) {
  const { progress, embedder, running, embedded, lastError } = props.data;
  if (progress === undefined)
    return (
      <p class="muted">
        No embedder is ready ({embedder.state}: {embedder.detail}); records are kept for keyword search until one is.
      </p>
    );
  const label = `Embedding backlog of ${progress.model}: ${progress.ready} of ${progress.total} records ready, ${progress.pending} pending, ${progress.failed} failed.`;
  return (
    <>
      <StackedBar
        label={label}
        parts={[
          { name: `ready ${progress.ready}`, value: progress.ready, colour: 2 },
          { name: `pending ${progress.pending}`, value: progress.pending, colour: 3 },
          { name: `failed ${progress.failed}`, value: progress.failed, colour: 'bad' },
        ]}
      />
      <dl class="facts ops-facts">
        <dt>Model</dt>
        <dd>
          {progress.model} ({progress.dimensions} dimensions), embedder {embedder.state}
        </dd>
        <dt>Ready</dt>
        <dd>{progress.ready}</dd>
        <dt>Pending</dt>
        <dd>{progress.pending}</dd>
        <dt>Failed</dt>
        <dd>{progress.failed}</dd>
        <dt>Backfill</dt>
        <dd>
          {running ? <Badge tone="accent">running</Badge> : 'idle'} · {embedded} vectors stored since start
          {progress.total > 0 && running && ` · ${Math.round((progress.ready / progress.total) * 100)}% done`}
        </dd>
        {lastError !== undefined && (
          <>
            <dt>Last error</dt>
            <dd>{lastError}</dd>
          </>
        )}
      </dl>
      {(progress.failures ?? []).length > 0 && (
        <ul class="ops-failures">
          {(progress.failures ?? []).map((failure) => (
            <li key={failure.id}>
              <code>{failure.id}</code> in {failure.namespace} ({failure.tier}), refused {failure.attempts}×: {failure.error}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function CachePanel(props: { tick: number }) {
  const { client } = useSession();
  const loaded = useLoad(async (signal) => {
    const [responses, embeddings] = await Promise.all([client.cache.stats({ signal }), client.embeddings.cacheStats({ signal })]);
    return { responses, embeddings };
  }, [props.tick]);
  return (
    <section class="card ops-panel" aria-labelledby="ops-caches">
      <h2 id="ops-caches">Cache hit rates</h2>
      <Show loaded={loaded} what="cache statistics">
        {({ responses, embeddings }) => {
          const answers = responses.caches.responses;
          const answerRate = answers.hits + answers.misses === 0 ? 0 : answers.hits / (answers.hits + answers.misses);
          return (
            <div class="ops-caches">
              <div class="ops-cache" data-cache="embeddings">
                <h3>Embeddings</h3>
                <Donut
                  label={`Embedding cache hit rate ${percent(embeddings.hitRate)}: ${embeddings.hits} hits, ${embeddings.misses} misses.`}
                  fraction={embeddings.hitRate}
                  colour={2}
                />
                <p>
                  {embeddings.hits} hits · {embeddings.misses} misses
                  <br />
                  <span class="muted">
                    {embeddings.entries} vectors, {formatBytes(embeddings.bytes)}; hit p50 {embeddings.latencyMs.hit.p50} ms, miss p50 {embeddings.latencyMs.miss.p50} ms
                  </span>
                </p>
              </div>
              <div class="ops-cache" data-cache="responses">
                <h3>Search and context answers</h3>
                <Donut label={`Answer cache hit rate ${percent(answerRate)}: ${answers.hits} hits, ${answers.misses} misses.`} fraction={answerRate} colour={1} />
                <p>
                  {answers.hits} hits · {answers.misses} misses
                  <br />
                  <span class="muted">
                    {answers.entries} answers, {formatBytes(answers.bytes)}; {responses.backend}
                    {answers.bypassed > 0 && `; ${answers.bypassed} made without the cache`}
                  </span>
                </p>
              </div>
            </div>
          );
        }}
      </Show>
    </section>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function RecordsPanel(props: { tick: number; namespace: string }) {
  const { client } = useSession();
  const stats = useLoad((signal) => client.stats({}, { namespace: props.namespace, signal }), [props.tick, props.namespace]);
  return (
    <section class="card ops-panel" aria-labelledby="ops-records">
      <div class="ops-records-head">
        <h2 id="ops-records">Records in {props.namespace}</h2>
      </div>
      <Show loaded={stats} what="record counts">
        {(data) => {
          const tiers = [
            { name: 'live sessions', value: data.sessions.live },
            { name: 'episodes', value: data.episodes.count },
            { name: 'memories', value: data.memories.count },
          ];
          const kinds = (byKind: Record<string, number>) => Object.entries(byKind).map(([name, value]) => ({ name, value }));
          const said = (items: { name: string; value: number }[]) => items.map((item) => `${item.value} ${item.name}`).join(', ') || 'none';
          const episodeKinds = kinds(data.episodes.byKind);
          const memoryKinds = kinds(data.memories.byKind);
          return (
            <div class="ops-columns ops-records">
              <div>
                <h3>Per tier</h3>
                <Bars label={`Records per tier in ${props.namespace}: ${said(tiers)}.`} items={tiers} colour={1} />
              </div>
              <div>
                <h3>Episodes by kind</h3>
                <Bars label={`Episodes by kind: ${said(episodeKinds)}.`} items={episodeKinds} colour={2} />
              </div>
              <div>
                <h3>Memories by kind</h3>
                <Bars label={`Memories by kind: ${said(memoryKinds)}.`} items={memoryKinds} colour={3} />
                <p class="muted">
                  {data.memories.historyVersions} earlier versions kept; {data.memories.expired} expired.
                </p>
              </div>
            </div>
          );
        }}
      </Show>
    </section>
  );
}
