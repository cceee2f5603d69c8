import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MEMORY_KINDS } from '../../core/types.js';
import { idSchema, timestampSchema, type FieldSchemas } from '../../http/schemas.js';
import { checkUser } from '../caller-scope.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { scopeArgs } from './records.js';
import { slotKey, writeResult } from '../../http/routes/memory-fields.js';

const UPSERT_ACTIONS = ['created', 'merged', 'unchanged'] as const;

/** `remember`: writes semantic memories, as `POST /api/v1/memories` does. */
export function registerRemember(server: McpServer, caller: McpCaller, fields: FieldSchemas): void {
  const memory = z.strictObject({
    content: fields.content.describe('One self-contained statement, e.g. "Ana prefers window seats on long flights"'),
    kind: z.enum(MEMORY_KINDS).optional().describe('fact (default), preference, reflection, summary or procedure'),
    importance: z.number().min(0).max(1).optional().describe('0 to 1, default 0.5: how much this should weigh in recall'),
    metadata: fields.metadata.optional().describe('Small JSON object of labels to filter by later, e.g. {"topic":"travel"}'),
    expiresAt: timestampSchema.optional().describe('When the memory stops being true (ISO 8601 with a zone)'),
    sourceEpisodeIds: z.array(idSchema).max(256).optional().describe('Episodes this memory was learnt from'),
    userId: idSchema.optional().describe('The user this memory is about, when it differs from the call’s userId'),
    agentId: idSchema.optional(),
    sessionId: idSchema.optional(),
    key: slotKey.optional().describe('A slot such as "home_city" or "diet": the new memory replaces the current one with this key (its history is kept)'),
    validFrom: timestampSchema.optional().describe('Since when the fact has held, for something learned late (ISO 8601, not in the future)'),
    supersedes: z.array(idSchema).max(32).optional().describe('Ids of memories this one replaces (they stop being current and stay readable)'),
  });
  const input = z.strictObject({
    ...scopeArgs,
    agentId: idSchema.optional().describe('The agent the memories belong to'),
    sessionId: idSchema.optional().describe('The session they were learnt in (provenance)'),
    memories: fields.batch(memory, 'memory', 'memories'),
  });
  const output = z.object({
    namespace: z.string(),
    ids: z.array(z.string()),
    results: z.array(
      z.object({
        id: z.string(),
        action: z.enum(UPSERT_ACTIONS),
        version: z.number(),
        superseded: z.array(z.string()).optional(),
        related: z.array(z.object({ id: z.string(), similarity: z.number().optional(), possibleConflict: z.boolean(), reason: z.string().optional() })).optional(),
      }),
    ),
  });

  server.registerTool(
    'remember',
    {
      title: 'Remember',
      description:
        'Store long-term memories: facts, preferences, reflections, summaries or procedures worth keeping across conversations. ' +
        'Write each memory as one self-contained statement. A memory that states the same thing as one already stored is merged into it ' +
        '(action "merged" or "unchanged") instead of duplicated. Give a key (e.g. "home_city") to a fact that can change: a later memory with the same key replaces it, and recall then returns only the current one. ' +
        'Returns the id and action of each memory, in input order, the memories it replaced, and related ones it may contradict (settle those with supersedes or retract_memory).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'remember', role: 'write', action: { action: 'memories.upsert', kind: 'change' } }, args, async (scope) => {
        args.memories.forEach((item, index) => checkUser(caller.pinned, item.userId, `memories[${index}].userId`));
        const { namespace: _named, memories, userId: _user, ...defaults } = args;
        const owner = scope.userId === undefined ? {} : { userId: scope.userId };
        const outcomes = await caller.services.memories.upsert(
          scope.namespace,
          memories.map((item) => ({ ...defaults, ...owner, ...item, ...(scope.reachUserId === undefined ? {} : { userId: scope.reachUserId }) })),
        );
        const results = outcomes.map(writeResult);
        const lines = results.map((result) => `- ${result.id}: ${result.action}${writeNotes(result)}`);
        return {
          text: `Stored ${results.length} ${results.length === 1 ? 'memory' : 'memories'} in namespace '${scope.namespace}':\n${lines.join('\n')}`,
          structured: { namespace: scope.namespace, ids: results.map((result) => result.id), results },
        };
      }),
  );
}

/** What a write's text says beyond its action: what it replaced, and what it may contradict. */
function writeNotes(result: ReturnType<typeof writeResult>): string {
  const replaced = result.superseded === undefined ? '' : `, replaced ${result.superseded.join(', ')}`;
  const conflicts = (result.related ?? []).filter((related) => related.possibleConflict).map((related) => related.id);
  return `${replaced}${conflicts.length === 0 ? '' : `, may contradict ${conflicts.join(', ')}`}`;
}
