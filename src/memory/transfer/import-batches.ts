// Import: an export stream read line by line, each line checked against its schema as it comes,
// and written in batches, each batch in one transaction. A bad line fails its batch before anything
// of it is written; the batches before it stay written (the answer says how many lines they held),
// and importing the corrected file again writes only what is still missing, since records whose id
// the namespace already holds are left as stored ('unchanged').

import { isMemosError, MemosError } from '../../core/errors.js';
import type { SessionRestore, TransferBatch, TransferStore } from '../../core/ports.js';
import { contentKey } from '../../core/text.js';
import type { Episode, Memory, Session, VectorWrite } from '../../core/types.js';
import { unite } from '../../core/validity.js';
import { decodeVector, headerLine, recordLine, type EpisodeLine, type LineCounts, type MemoryLine, type SessionLine } from './export-format.js';
import { lineError, ndjsonLines } from './ndjson-lines.js';

export interface ImportRequest {
  /** Where every record goes, whatever namespace it was exported from. */
  namespace: string;
  /** A user-bound key's user: a record of another user is refused by line, one of no user becomes this user's. */
  boundUserId?: string;
  body: AsyncIterable<Buffer | string>;
}

export interface ImportDeps {
  transfer: TransferStore;
  /** Where sessions are restored; absent when the short-term store cannot (sessions are then refused). */
  sessions?: SessionRestore;
  vectors: { put(writes: VectorWrite[]): Promise<number> };
  /** The model vectors are searched with now; a record's vector of another model is left for the backfill. */
  embedder: () => { model: string; dimensions: number } | undefined;
  /** Marks the namespace's cached answers stale. */
  bump(namespace: string): Promise<void>;
  /** Asks the embedding backfill to look for pending records now. */
  nudge(): void;
  now: () => number;
  maxLineBytes: number;
  /** Records per batch (default 500). */
  batchSize?: number;
}

type Outcome = { created: number; unchanged: number };
export interface ImportSummary {
  lines: number;
  sessions: Outcome & { expired: number };
  episodes: Outcome;
  memories: Outcome;
  /** Vectors stored from the file, and records left for the embedding backfill. */
  vectors: { stored: number; pending: number };
}

interface Pending {
  sessions: Array<{ line: number; record: SessionLine }>;
  episodes: Array<{ line: number; record: EpisodeLine }>;
  memories: Array<{ line: number; record: MemoryLine }>;
}

const empty = (): Pending => ({ sessions: [], episodes: [], memories: [] });
const scopeOf = (record: { userId?: string | undefined; agentId?: string | undefined; sessionId?: string | undefined }) => ({
  ...(record.userId === undefined ? {} : { userId: record.userId }),
  ...(record.agentId === undefined ? {} : { agentId: record.agentId }),
  ...(record.sessionId === undefined ? {} : { sessionId: record.sessionId }),
});

export async function importStream(deps: ImportDeps, request: ImportRequest): Promise<ImportSummary> {
  const summary: ImportSummary = {
    lines: 0,
    sessions: { created: 0, unchanged: 0, expired: 0 },
    episodes: { created: 0, unchanged: 0 },
    memories: { created: 0, unchanged: 0 },
    vectors: { stored: 0, pending: 0 },
  };
  const seen: LineCounts = { sessions: 0, episodes: 0, memories: 0 };
  const batchSize = deps.batchSize ?? 500;
  let batch = empty();
  let written = 0;
  let ended = false;
  const progress = () => (written === 0 ? 'nothing was imported' : `lines 1 to ${written} were imported in earlier batches and stay; importing the corrected file again adds only what is missing`);
  const fail = (code: 'E_VALIDATION' | 'E_FORBIDDEN' | 'E_CONFLICT', line: number, field: string, message: string) => lineError(code, line, field, message, progress());

  let lastLine = 0;
  for await (const { line, text } of ndjsonLines(request.body, deps.maxLineBytes)) {
    lastLine = line;
    if (text.trim() === '') continue;
    if (ended) throw fail('E_VALIDATION', line, 'type', 'nothing may follow the end line');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw fail('E_VALIDATION', line, 'line', 'not a JSON value');
    }
    if (line === 1) {
      const header = headerLine.safeParse(value);
      if (!header.success) throw fail('E_VALIDATION', 1, issueField('header', header.error.issues[0]?.path), header.error.issues[0]?.message ?? 'not a header line');
      continue;
    }
    const parsed = recordLine.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const type = typeof (value as { type?: unknown } | null)?.type === 'string' ? (value as { type: string }).type : 'line';
      throw fail('E_VALIDATION', line, issueField(type, issue?.path), issue?.message ?? 'not a line of the export format');
    }
    const record = parsed.data;
    if (record.type === 'end') {
      for (const tier of ['sessions', 'episodes', 'memories'] as const) {
        if (record.counts[tier] !== seen[tier]) throw fail('E_VALIDATION', line, `end.counts.${tier}`, `says ${record.counts[tier]} but the stream holds ${seen[tier]}: the file was cut or edited`);
      }
      ended = true;
      continue;
    }
    if (request.boundUserId !== undefined) {
      // As every write of a user-bound key: a record of no user becomes the key's user's; one of another user is refused.
      if (record.userId !== undefined && record.userId !== request.boundUserId) {
        throw fail('E_FORBIDDEN', line, `${record.type}.userId`, "names another user than this key's");
      }
      record.userId = request.boundUserId;
    }
    if (record.type === 'session') {
      if (deps.sessions === undefined) throw fail('E_VALIDATION', line, 'session', 'this server cannot restore sessions');
      seen.sessions += 1;
      batch.sessions.push({ line, record });
    } else if (record.type === 'episode') {
      seen.episodes += 1;
      batch.episodes.push({ line, record });
    } else {
      seen.memories += 1;
      batch.memories.push({ line, record });
    }
    if (batch.sessions.length + batch.episodes.length + batch.memories.length >= batchSize) {
      await writeBatch(deps, request.namespace, batch, summary, fail);
      written = line;
      batch = empty();
    }
  }
  if (lastLine === 0) throw fail('E_VALIDATION', 1, 'header', 'the stream is empty');
  if (!ended) throw fail('E_VALIDATION', lastLine + 1, 'end', 'the stream ends without its end line: it was cut short; the last batch was not written');
  await writeBatch(deps, request.namespace, batch, summary, fail);
  summary.lines = lastLine;
  deps.nudge();
  return summary;
}

type Fail = (code: 'E_CONFLICT', line: number, field: string, message: string) => MemosError;

/** One batch: episodes and memories in one transaction, then sessions, then the vectors the current model can use. */
async function writeBatch(deps: ImportDeps, namespace: string, batch: Pending, summary: ImportSummary, fail: Fail): Promise<void> {
  const records: TransferBatch = {
    namespace,
    episodes: batch.episodes.map(({ record }) => toEpisode(namespace, record)),
    memories: batch.memories.map(({ record }) => ({ memory: toMemory(namespace, record), contentKey: contentKey(record.content), history: record.history.map((v) => ({ memoryId: record.id, ...v })) })),
  };
  let result;
  try {
    result = await deps.transfer.importBatch(records);
  } catch (error) {
    if (!isMemosError(error) || error.code !== 'E_CONFLICT') throw error;
    const id = /'([^']+)'/.exec(error.message)?.[1];
    const at = [...batch.episodes, ...batch.memories].find(({ record }) => record.id === id);
    throw fail('E_CONFLICT', at?.line ?? 0, `${at?.record.type ?? 'record'}.id`, `'${id ?? ''}' is taken by a record of another namespace (SQLite keeps ids unique across namespaces)`);
  }
  for (const action of result.episodes) summary.episodes[action] += 1;
  for (const action of result.memories) summary.memories[action] += 1;

  if (batch.sessions.length > 0 && deps.sessions !== undefined) {
    const now = deps.now();
    const live = batch.sessions.filter(({ record }) => Date.parse(record.expiresAt) > now);
    summary.sessions.expired += batch.sessions.length - live.length;
    const outcomes = await deps.sessions.restore(live.map(({ record }) => toSession(namespace, record)));
    for (const action of outcomes) summary.sessions[action] += 1;
  }

  const model = deps.embedder();
  const writes: VectorWrite[] = [];
  const consider = (tier: VectorWrite['tier'], record: EpisodeLine | MemoryLine, action: 'created' | 'unchanged') => {
    if (action !== 'created') return;
    const vector = record.vector !== undefined && model !== undefined && record.vector.model === model.model && record.vector.dimensions === model.dimensions ? decodeVector(record.vector) : undefined;
    if (vector === undefined) {
      summary.vectors.pending += 1;
      return;
    }
    writes.push({ tier, namespace, id: record.id, content: record.content, model: record.vector!.model, vector, ...(record.vector!.truncated ? { truncated: true } : {}) });
  };
  batch.episodes.forEach(({ record }, i) => consider('episodes', record, result.episodes[i]!));
  batch.memories.forEach(({ record }, i) => consider('memories', record, result.memories[i]!));
  if (writes.length > 0) {
    const stored = await deps.vectors.put(writes);
    summary.vectors.stored += stored;
    summary.vectors.pending += writes.length - stored;
  }
  await deps.bump(namespace);
}

function issueField(type: string, path: PropertyKey[] | undefined): string {
  const parts = (path ?? []).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  return `${type}${parts}`;
}

function toEpisode(namespace: string, record: EpisodeLine): Episode {
  return {
    id: record.id,
    namespace,
    ...scopeOf(record),
    kind: record.kind,
    ...(record.role === undefined ? {} : { role: record.role }),
    content: record.content,
    occurredAt: record.occurredAt,
    createdAt: record.createdAt,
    metadata: record.metadata,
    ...(record.task === undefined ? {} : { task: record.task }),
    ...(record.context === undefined ? {} : { context: record.context }),
    ...(record.outcome === undefined ? {} : { outcome: record.outcome }),
    embedding: { status: 'pending' },
  };
}

function toMemory(namespace: string, record: MemoryLine): Memory {
  return {
    id: record.id,
    namespace,
    ...(record.userId === undefined ? {} : { userId: record.userId }),
    ...(record.agentId === undefined ? {} : { agentId: record.agentId }),
    content: record.content,
    kind: record.kind,
    importance: record.importance,
    metadata: record.metadata,
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
    sourceEpisodeIds: record.sourceEpisodeIds,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    // A file from before freshness: the fact was last confirmed, as far as anyone knows, when last written.
    lastConfirmedAt: record.lastConfirmedAt ?? record.updatedAt,
    // A version-1 file: the session a memory was written in is its source session, and the fact
    // held from when it was written, as a database migrated from before truth maintenance has it.
    sourceSessionIds: unite(record.sessionId === undefined ? [] : [record.sessionId], record.sourceSessionIds ?? []),
    ...(record.key === undefined ? {} : { key: record.key }),
    validFrom: record.validFrom ?? record.createdAt,
    ...(record.validTo === undefined ? {} : { validTo: record.validTo }),
    supersedes: record.supersedes ?? [],
    ...(record.supersededBy === undefined ? {} : { supersededBy: record.supersededBy }),
    ...(record.supersessionReason === undefined ? {} : { supersessionReason: record.supersessionReason }),
    ...(record.retractedAt === undefined ? {} : { retractedAt: record.retractedAt }),
    ...(record.retractionReason === undefined ? {} : { retractionReason: record.retractionReason }),
    conflicts: (record.conflicts ?? []).map((mark) => ({ ...mark })),
    embedding: { status: 'pending' },
  };
}

function toSession(namespace: string, record: SessionLine): Session {
  const { type: _type, ...session } = record;
  return { ...session, namespace } as Session;
}
