import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MEMORY_KINDS } from '../../core/types.js';
import { idSchema, timestampSchema, type FieldSchemas } from '../../http/schemas.js';
import { checkUser } from '../caller-scope.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { scopeArgs } from './records.js';

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
    results: z.array(z.object({ id: z.string(), action: z.enum(UPSERT_ACTIONS), version: z.number() })),
  });

  server.registerTool(
    'remember',
    {
      title: 'Remember',
      description:
        'Store long-term memories: facts, preferences, reflections, summaries or procedures worth keeping across conversations. ' +
        'Write each memory as one self-contained statement. A memory that states the same thing as one already stored is merged into it ' +
        '(action "merged" or "unchanged") instead of duplicated. Returns the id and action of each memory, in input order.',
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
        const results = outcomes.map(({ memory, action }) => ({ id: memory.id, action, version: memory.version }));
        const lines = results.map((result) => `- ${result.id}: ${result.action}`);
        return {
          text: `Stored ${results.length} ${results.length === 1 ? 'memory' : 'memories'} in namespace '${scope.namespace}':\n${lines.join('\n')}`,
          structured: { namespace: scope.namespace, ids: results.map((result) => result.id), results },
        };
      }),
  );
}
