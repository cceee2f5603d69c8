// Export: a namespace's records as lines of the export format, read page by page (keyset by
// time and id) so that memory stays constant however much the namespace holds. An async generator,
// so that a route streams it with backpressure and other code (a logical backup) can call it.

import type { SessionListQuery, SessionPage, TransferStore } from '../../core/ports.js';
import { episodeToLine, FORMAT, FORMAT_VERSION, memoryToLine, sessionToLine, type HeaderLine, type LineCounts } from './export-format.js';

export interface ExportRequest {
  namespace: string;
  /** Only this user's records (a user-bound key's exports are always of its user). */
  userId?: string;
  /** Bound episodes' occurredAt, memories' and sessions' createdAt: inclusive from, exclusive to. */
  from?: string;
  to?: string;
  withVectors: boolean;
  /** Records per page read (default 500). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ExportDeps {
  transfer: TransferStore;
  sessions: { list(query: SessionListQuery): Promise<SessionPage> };
  /** The embedder vectors are made with now; null when there is none. */
  embedder: () => HeaderLine['embedder'];
  memosVersion: string;
  now: () => string;
}

const PAGE_SIZE = 500;

/** Every line of an export, each ending in a newline: the header, sessions, episodes, memories, the end line. */
export async function* exportLines(deps: ExportDeps, request: ExportRequest): AsyncGenerator<string> {
  const { namespace, userId, from, to, withVectors } = request;
  const limit = request.pageSize ?? PAGE_SIZE;
  const line = (value: unknown) => `${JSON.stringify(value)}\n`;
  const header: HeaderLine = {
    type: 'header',
    format: FORMAT,
    version: FORMAT_VERSION,
    memosVersion: deps.memosVersion,
    exportedAt: deps.now(),
    embedder: deps.embedder(),
    filters: { namespace, ...(userId === undefined ? {} : { userId }), ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
    withVectors,
  };
  yield line(header);
  const counts: LineCounts = { sessions: 0, episodes: 0, memories: 0 };
  const inRange = (time: string) => (from === undefined || time >= from) && (to === undefined || time < to);

  for (let after: string | undefined; ; ) {
    request.signal?.throwIfAborted();
    const page = await deps.sessions.list({ namespace, ...(userId === undefined ? {} : { userId }), limit, ...(after === undefined ? {} : { after }) });
    for (const session of page.items) {
      if (!inRange(session.createdAt)) continue;
      counts.sessions += 1;
      yield line(sessionToLine(session));
    }
    if (page.next === undefined) break;
    after = page.next;
  }

  const query = { namespace, ...(userId === undefined ? {} : { userId }), ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), limit, withVectors };
  for (let after: { time: string; id: string } | undefined; ; ) {
    request.signal?.throwIfAborted();
    const page = await deps.transfer.episodes({ ...query, ...(after === undefined ? {} : { after }) });
    for (const { episode, vector } of page.items) {
      counts.episodes += 1;
      yield line(episodeToLine(episode, withVectors ? vector : undefined));
    }
    if (page.next === undefined) break;
    after = page.next;
  }

  for (let after: { time: string; id: string } | undefined; ; ) {
    request.signal?.throwIfAborted();
    const page = await deps.transfer.memories({ ...query, ...(after === undefined ? {} : { after }) });
    for (const { memory, history, vector } of page.items) {
      counts.memories += 1;
      yield line(memoryToLine(memory, history, withVectors ? vector : undefined));
    }
    if (page.next === undefined) break;
    after = page.next;
  }
  yield line({ type: 'end', counts });
}
