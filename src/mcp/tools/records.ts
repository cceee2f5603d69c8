// Records as MCP tools answer them: compact (what a model needs to use a memory, without vectors,
// embedding state or provenance) both as structured content and as one line of text each.

import { z } from 'zod';
import type { Episode, Memory } from '../../core/types.js';
import { idSchema } from '../../http/schemas.js';

/** `namespace` and `userId`, as every tool takes them. */
export const scopeArgs = {
  namespace: idSchema
    .optional()
    .describe('The namespace (tenant) to work in. Usually leave it out: a key limited to one namespace, or the server settings, fix it, and naming another is refused'),
  userId: idSchema
    .optional()
    .describe('The user the records belong to. Leave it out when the connection acts as one user (a user-bound key or the server settings); naming another user is refused'),
};

const scopeOut = {
  userId: z.string().optional(),
  agentId: z.string().optional(),
  sessionId: z.string().optional(),
};

export const memoryOut = z.object({
  id: z.string(),
  content: z.string(),
  kind: z.string(),
  importance: z.number(),
  userId: z.string().optional(),
  agentId: z.string().optional(),
  key: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string().optional(),
  validFrom: z.string(),
  validTo: z.string().optional(),
  supersededBy: z.string().optional(),
  retracted: z.boolean().optional(),
  conflictsWith: z.array(z.string()).optional(),
  stale: z.boolean().optional(),
});

export const episodeOut = z.object({
  id: z.string(),
  kind: z.string(),
  content: z.string(),
  ...scopeOut,
  role: z.string().optional(),
  occurredAt: z.string(),
  task: z.string().optional(),
  context: z.string().optional(),
  outcome: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()),
});

const scopeOf = (record: { userId?: string; agentId?: string; sessionId?: string }) => ({
  ...(record.userId === undefined ? {} : { userId: record.userId }),
  ...(record.agentId === undefined ? {} : { agentId: record.agentId }),
  ...(record.sessionId === undefined ? {} : { sessionId: record.sessionId }),
});

/** A memory as the tools answer it; `stale` (past its kind's review period) when the caller knows it, as the HTTP reads do. */
export function compactMemory(memory: Memory, stale?: boolean): z.infer<typeof memoryOut> {
  return {
    ...(stale === undefined ? {} : { stale }),
    id: memory.id,
    content: memory.content,
    kind: memory.kind,
    importance: memory.importance,
    ...scopeOf(memory),
    ...(memory.key === undefined ? {} : { key: memory.key }),
    metadata: memory.metadata,
    version: memory.version,
    createdAt: memory.createdAt,
    updatedAt: memory.updatedAt,
    ...(memory.expiresAt === undefined ? {} : { expiresAt: memory.expiresAt }),
    validFrom: memory.validFrom,
    ...(memory.validTo === undefined ? {} : { validTo: memory.validTo }),
    ...(memory.supersededBy === undefined ? {} : { supersededBy: memory.supersededBy }),
    ...(memory.retractedAt === undefined ? {} : { retracted: true }),
    ...(memory.conflicts.length === 0 ? {} : { conflictsWith: memory.conflicts.map((mark) => mark.memoryId) }),
  };
}

export function compactEpisode(episode: Episode): z.infer<typeof episodeOut> {
  return {
    id: episode.id,
    kind: episode.kind,
    content: episode.content,
    ...scopeOf(episode),
    ...(episode.role === undefined ? {} : { role: episode.role }),
    occurredAt: episode.occurredAt,
    ...(episode.task === undefined ? {} : { task: episode.task }),
    ...(episode.context === undefined ? {} : { context: episode.context }),
    ...(episode.outcome === undefined ? {} : { outcome: episode.outcome }),
    metadata: episode.metadata,
  };
}

/**
 * One line of text per record: what it says, what it is, and its id (to forget it, or cite it). A
 * `stale` memory (past its kind's review period, docs/truth.md) says when it was last confirmed; a
 * memory no longer current says so; one flagged against others names them.
 */
export function memoryLine(
  memory: Pick<Memory, 'id' | 'content' | 'kind' | 'importance' | 'lastConfirmedAt' | 'validTo' | 'supersededBy' | 'retractedAt' | 'key'>,
  score?: number,
  stale = false,
  conflictsWith: string[] = [],
): string {
  const rank = score === undefined ? '' : ` score ${score.toFixed(2)}`;
  const slot = memory.key === undefined ? '' : `, key ${memory.key}`;
  const due = stale ? `, last confirmed ${memory.lastConfirmedAt.slice(0, 10)}: may be out of date` : '';
  const ended =
    memory.validTo === undefined ? '' : memory.supersededBy !== undefined ? `, superseded by ${memory.supersededBy} on ${memory.validTo.slice(0, 10)}` : `, retracted: not true from ${memory.validTo.slice(0, 10)}`;
  const disputed = conflictsWith.length === 0 ? '' : `, may contradict ${conflictsWith.join(', ')}`;
  return `- [memory ${memory.kind}${slot}, importance ${memory.importance}${rank}${due}${ended}${disputed}] ${memory.content} (id ${memory.id})`;
}

export function episodeLine(episode: Pick<Episode, 'id' | 'content' | 'kind' | 'occurredAt'>, score?: number): string {
  const rank = score === undefined ? '' : ` score ${score.toFixed(2)}`;
  return `- [episode ${episode.kind}, ${episode.occurredAt}${rank}] ${episode.content} (id ${episode.id})`;
}
