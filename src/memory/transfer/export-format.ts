// The export format (docs/export-format.md): one NDJSON stream, a header line, then sessions,
// episodes and memories, then an end line with the counts. This module holds the zod schema of
// every line (what import accepts) and the builders of every line (what export writes): each
// builder sets the keys in one fixed order and sorts the keys of free-form objects (metadata,
// state), so that equal data gives equal bytes whatever engine it was read from.

import { endianness } from 'node:os';
import { z } from 'zod';
import { isStorableTime } from '../../core/clock.js';
import { ID_PATTERN } from '../../core/ids.js';
import type { StoredVector } from '../../core/ports.js';
import { EPISODE_KINDS, INTERVENTION_OUTCOMES, MEMORY_KINDS, MESSAGE_ROLES, type Episode, type Memory, type MemoryVersion, type Session } from '../../core/types.js';

export const FORMAT = 'memos-export';
/**
 * 2: memories carry truth maintenance (slot, validity window, supersession, retraction, conflict
 * marks) and their sessions as `sourceSessionIds` instead of a `sessionId`. An import reads both
 * versions (a version-1 memory's `sessionId` becomes its only source session, its `validFrom` its
 * `createdAt`); a memOS that knows version 1 only refuses a version-2 file at its header, before
 * writing anything, rather than at its first memory line after earlier batches.
 */
export const FORMAT_VERSION = 2;
/** The versions an import reads. */
const READ_VERSIONS = [1, 2] as const;
const LITTLE_ENDIAN = endianness() === 'LE';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (value: string) => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

// ── Values ──────────────────────────────────────────────────────────────────

const id = z.string().regex(ID_PATTERN, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');
const time = z.iso
  .datetime({ offset: true })
  .refine((value) => isStorableTime(Date.parse(value)), 'must be a time from year 0001 to 9999')
  .transform((value) => new Date(Date.parse(value)).toISOString());
/** Text as memOS stores it: no NUL, no lone surrogate. */
const text = z.string().refine(storable, 'must be valid Unicode text without NUL');
const content = text.refine((value) => value.length > 0, 'must not be empty');
/** A JSON object whose every string and key is storable text. */
const object = z.record(z.string(), z.unknown()).refine((value) => storableJson(value), 'must hold only valid Unicode text without NUL');
const scope = { userId: id.optional(), agentId: id.optional(), sessionId: id.optional() };

export const vectorSchema = z.strictObject({
  model: z.string().min(1).max(512),
  dimensions: z.number().int().min(1).max(65_536),
  truncated: z.literal(true).optional(),
  /** base64 of the vector as little-endian float32, `dimensions` of them. */
  data: z.base64(),
});

// ── Lines ───────────────────────────────────────────────────────────────────

export const headerLine = z.strictObject({
  type: z.literal('header'),
  format: z.literal(FORMAT),
  version: z.union(READ_VERSIONS.map((v) => z.literal(v)) as [z.ZodLiteral<1>, z.ZodLiteral<2>]),
  memosVersion: z.string(),
  exportedAt: time,
  embedder: z.strictObject({ provider: z.string(), model: z.string(), dimensions: z.number().int().min(0) }).nullable(),
  filters: z.strictObject({ namespace: id, userId: id.optional(), from: time.optional(), to: time.optional() }),
  withVectors: z.boolean(),
});

const message = z.strictObject({
  role: z.enum(MESSAGE_ROLES),
  content: text,
  name: z.string().max(128).optional(),
  createdAt: time,
  metadata: object.optional(),
});

export const sessionLine = z.strictObject({
  type: z.literal('session'),
  sessionId: id,
  userId: id.optional(),
  agentId: id.optional(),
  messages: z.array(message),
  state: object,
  summary: text.optional(),
  ttlSeconds: z.number().int().min(1),
  createdAt: time,
  updatedAt: time,
  expiresAt: time,
});

export const episodeLine = z.strictObject({
  type: z.literal('episode'),
  id,
  ...scope,
  kind: z.union([z.enum(EPISODE_KINDS), z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a custom kind is 1 to 64 of a-z 0-9 _')]),
  role: z.enum(MESSAGE_ROLES).optional(),
  content,
  occurredAt: time,
  createdAt: time,
  metadata: object,
  task: text.optional(),
  context: text.optional(),
  outcome: z.enum(INTERVENTION_OUTCOMES).optional(),
  vector: vectorSchema.optional(),
});

const version = z.strictObject({
  version: z.number().int().min(1),
  content,
  kind: z.enum(MEMORY_KINDS),
  importance: z.number().min(0).max(1),
  metadata: object,
  expiresAt: time.optional(),
  sourceEpisodeIds: z.array(id).max(256),
  validFrom: time,
  validTo: time,
  reason: z.enum(['update', 'merge']),
});

const conflictMark = z.strictObject({
  memoryId: id,
  reason: text.refine((value) => value.length <= 1000, 'must be at most 1000 characters'),
  source: z.enum(['detector', 'judge']),
  similarity: z.number().min(-1).max(1).optional(),
  at: time,
});
/** A short free-form label (a slot, a reason): storable text of 1 to `max` characters. */
const label = (max: number) => text.refine((value) => value.length >= 1 && value.length <= max, `must be 1 to ${max} characters`);

export const memoryLine = z.strictObject({
  type: z.literal('memory'),
  id,
  userId: id.optional(),
  agentId: id.optional(),
  /** Version 1 only: the session the memory was written in, imported as its only source session. */
  sessionId: id.optional(),
  kind: z.enum(MEMORY_KINDS),
  content,
  importance: z.number().min(0).max(1),
  metadata: object,
  expiresAt: time.optional(),
  sourceEpisodeIds: z.array(id).max(256),
  // Truth maintenance (version 2); absent in a version-1 file, each has the default noted.
  /** Default: the version-1 `sessionId`, if any. */
  sourceSessionIds: z.array(id).max(256).optional(),
  version: z.number().int().min(1),
  createdAt: time,
  updatedAt: time,
  /** Absent in files written before freshness: the import then takes `updatedAt`. */
  lastConfirmedAt: time.optional(),
  key: label(128).optional(),
  /** Default: `createdAt`. */
  validFrom: time.optional(),
  validTo: time.optional(),
  supersedes: z.array(id).max(256).optional(),
  supersededBy: id.optional(),
  supersessionReason: label(1000).optional(),
  retractedAt: time.optional(),
  retractionReason: label(1000).optional(),
  conflicts: z.array(conflictMark).max(256).optional(),
  history: z.array(version).refine((versions) => versions.every((v, i) => i === 0 || v.version > versions[i - 1]!.version), 'versions must be in ascending order'),
  vector: vectorSchema.optional(),
});

const count = z.number().int().min(0);
export const endLine = z.strictObject({
  type: z.literal('end'),
  counts: z.strictObject({ sessions: count, episodes: count, memories: count }),
});

/** Any line after the header: told apart by `type`. */
export const recordLine = z.discriminatedUnion('type', [sessionLine, episodeLine, memoryLine, endLine]);

export type HeaderLine = z.infer<typeof headerLine>;
export type SessionLine = z.infer<typeof sessionLine>;
export type EpisodeLine = z.infer<typeof episodeLine>;
export type MemoryLine = z.infer<typeof memoryLine>;
export type EndLine = z.infer<typeof endLine>;
export type RecordLine = z.infer<typeof recordLine>;
export type LineCounts = EndLine['counts'];

// ── Builders (export) ───────────────────────────────────────────────────────

/** `{ key: value }` when value is defined, else `{}`. */
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));

/** A JSON value with the keys of every object sorted, for byte-equal exports. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, canonical(inner)]));
}

export function encodeVector(stored: StoredVector): z.infer<typeof vectorSchema> {
  const bytes = Buffer.alloc(stored.vector.length * 4);
  if (LITTLE_ENDIAN) Buffer.from(stored.vector.buffer, stored.vector.byteOffset, stored.vector.byteLength).copy(bytes);
  else stored.vector.forEach((value, j) => bytes.writeFloatLE(value, j * 4));
  return { model: stored.model, dimensions: stored.dimensions, ...(stored.truncated ? { truncated: true as const } : {}), data: bytes.toString('base64') };
}

/** The vector a line carries; undefined when its data does not hold `dimensions` floats. */
export function decodeVector(line: z.infer<typeof vectorSchema>): Float32Array | undefined {
  const bytes = Buffer.from(line.data, 'base64');
  if (bytes.length !== line.dimensions * 4) return undefined;
  const vector = new Float32Array(line.dimensions);
  for (let j = 0; j < vector.length; j += 1) vector[j] = bytes.readFloatLE(j * 4);
  return vector.every(Number.isFinite) ? vector : undefined;
}

export function sessionToLine(session: Session): SessionLine {
  return {
    type: 'session',
    sessionId: session.sessionId,
    ...opt('userId', session.userId),
    ...opt('agentId', session.agentId),
    messages: session.messages.map((m) => ({
      role: m.role,
      content: m.content,
      ...opt('name', m.name),
      createdAt: m.createdAt,
      ...opt('metadata', m.metadata === undefined ? undefined : (canonical(m.metadata) as Record<string, unknown>)),
    })),
    state: canonical(session.state) as Record<string, unknown>,
    ...opt('summary', session.summary),
    ttlSeconds: session.ttlSeconds,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    expiresAt: session.expiresAt,
  };
}

export function episodeToLine(episode: Episode, vector?: StoredVector): EpisodeLine {
  return {
    type: 'episode',
    id: episode.id,
    ...opt('userId', episode.userId),
    ...opt('agentId', episode.agentId),
    ...opt('sessionId', episode.sessionId),
    kind: episode.kind,
    ...opt('role', episode.role),
    content: episode.content,
    occurredAt: episode.occurredAt,
    createdAt: episode.createdAt,
    metadata: canonical(episode.metadata) as Record<string, unknown>,
    ...opt('task', episode.task),
    ...opt('context', episode.context),
    ...opt('outcome', episode.outcome),
    ...opt('vector', vector === undefined ? undefined : encodeVector(vector)),
  };
}

function versionToLine(v: MemoryVersion): MemoryLine['history'][number] {
  return {
    version: v.version,
    content: v.content,
    kind: v.kind,
    importance: v.importance,
    metadata: canonical(v.metadata) as Record<string, unknown>,
    ...opt('expiresAt', v.expiresAt),
    sourceEpisodeIds: v.sourceEpisodeIds,
    validFrom: v.validFrom,
    validTo: v.validTo,
    reason: v.reason,
  };
}

export function memoryToLine(memory: Memory, history: MemoryVersion[], vector?: StoredVector): MemoryLine {
  return {
    type: 'memory',
    id: memory.id,
    ...opt('userId', memory.userId),
    ...opt('agentId', memory.agentId),
    kind: memory.kind,
    content: memory.content,
    importance: memory.importance,
    metadata: canonical(memory.metadata) as Record<string, unknown>,
    ...opt('expiresAt', memory.expiresAt),
    sourceEpisodeIds: memory.sourceEpisodeIds,
    sourceSessionIds: memory.sourceSessionIds,
    version: memory.version,
    createdAt: memory.createdAt,
    updatedAt: memory.updatedAt,
    lastConfirmedAt: memory.lastConfirmedAt,
    ...opt('key', memory.key),
    validFrom: memory.validFrom,
    ...opt('validTo', memory.validTo),
    supersedes: memory.supersedes,
    ...opt('supersededBy', memory.supersededBy),
    ...opt('supersessionReason', memory.supersessionReason),
    ...opt('retractedAt', memory.retractedAt),
    ...opt('retractionReason', memory.retractionReason),
    conflicts: memory.conflicts.map((mark) => ({
      memoryId: mark.memoryId,
      reason: mark.reason,
      source: mark.source,
      ...opt('similarity', mark.similarity),
      at: mark.at,
    })),
    history: history.map(versionToLine),
    ...opt('vector', vector === undefined ? undefined : encodeVector(vector)),
  };
}

/** Whether every string and key under `value` is storable text (no NUL, no lone surrogate). */
function storableJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (!storable(item)) return false;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) stack.push(key, inner);
    }
  }
  return true;
}
