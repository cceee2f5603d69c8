import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema } from '../../http/schemas.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { compactMemory, memoryLine, memoryOut, scopeArgs } from './records.js';

/** `list_conflicts`: current memories flagged as likely contradicting each other, as `GET /api/v1/conflicts`. */
export function registerListConflicts(server: McpServer, caller: McpCaller): void {
  const { list } = caller.config;
  const input = z.strictObject({
    ...scopeArgs,
    agentId: idSchema.optional().describe('Only memories of this agent'),
    limit: z.number().int().min(1).max(list.maxLimit).default(list.defaultLimit).describe(`Flagged memories per page, 1 to ${list.maxLimit}`),
    cursor: z.string().max(512).optional().describe('nextCursor of the previous page'),
  });
  const conflict = z.object({ memory: memoryOut, conflictsWith: memoryOut, reason: z.string(), source: z.enum(['detector', 'judge']), similarity: z.number().optional() });
  const output = z.object({ namespace: z.string(), items: z.array(conflict), nextCursor: z.string().optional() });

  server.registerTool(
    'list_conflicts',
    {
      title: 'List conflicts',
      description:
        'List pairs of current memories that likely contradict each other (e.g. "lives in Lagos" and "moved to Nairobi"), oldest first. ' +
        'Settle each by asking the user or checking, then call remember with supersedes (the fact that holds replaces the other) or retract_memory (the false one).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'list_conflicts', role: 'read', action: { action: 'memories.conflicts', kind: 'read' } }, args, async (scope) => {
        const filter = { namespace: scope.namespace, ...(scope.userId === undefined ? {} : { userId: scope.userId }), ...(args.agentId === undefined ? {} : { agentId: args.agentId }) };
        const page = await caller.services.memories.conflicts({ filter, limit: args.limit, order: 'asc', ...(args.cursor === undefined ? {} : { cursor: args.cursor }) });
        const items = page.items.map((item) => ({
          memory: compactMemory(item.memory, caller.services.isStale(item.memory)),
          conflictsWith: compactMemory(item.conflictsWith, caller.services.isStale(item.conflictsWith)),
          reason: item.reason,
          source: item.source,
          ...(item.similarity === undefined ? {} : { similarity: item.similarity }),
        }));
        const lines = page.items.map((item) => `${memoryLine(item.memory)}\n  contradicts (${item.reason}):\n  ${memoryLine(item.conflictsWith)}`);
        const more = page.nextCursor === undefined ? '' : `\nMore: call again with cursor "${page.nextCursor}".`;
        const text = items.length === 0 ? 'No open conflicts.' : `${items.length} open ${items.length === 1 ? 'conflict' : 'conflicts'}:\n${lines.join('\n')}${more}`;
        return { text, structured: { namespace: scope.namespace, items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) } };
      }),
  );
}
