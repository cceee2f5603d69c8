import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MEMORY_KINDS } from '../../core/types.js';
import { idSchema, metadataFilterSchema, timestampSchema } from '../../http/schemas.js';
import { checkRange, listInput } from '../../http/routes/filters.js';
import { slotKey, validityAsk, validityFields } from '../../http/routes/memory-fields.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { compactMemory, memoryLine, memoryOut, scopeArgs } from './records.js';

/** `list_memories`: live memories by creation time, paged, as `GET /api/v1/memories`. */
export function registerListMemories(server: McpServer, caller: McpCaller): void {
  const { list } = caller.config;
  const input = z
    .strictObject({
      ...scopeArgs,
      agentId: idSchema.optional(),
      sessionId: idSchema.optional(),
      kind: z.array(z.enum(MEMORY_KINDS)).min(1).max(32).optional().describe('Only these kinds'),
      from: timestampSchema.optional().describe('Created at or after (ISO 8601 with a zone)'),
      to: timestampSchema.optional().describe('Created before'),
      metadata: metadataFilterSchema.optional().describe('Only memories whose metadata holds each of these keys with exactly this value (string, number or boolean); at most 16'),
      order: z.enum(['asc', 'desc']).default('desc').describe('desc (default): newest first'),
      limit: z.number().int().min(1).max(list.maxLimit).default(list.defaultLimit).describe(`Memories per page, 1 to ${list.maxLimit}`),
      cursor: z.string().max(512).optional().describe('nextCursor of the previous page'),
      key: slotKey.optional().describe('Only memories of this slot (e.g. "home_city"); with includeSuperseded, its timeline'),
      ...validityFields,
    })
    .superRefine(checkRange);
  const output = z.object({ namespace: z.string(), items: z.array(memoryOut), nextCursor: z.string().optional() });

  server.registerTool(
    'list_memories',
    {
      title: 'List memories',
      description:
        'List the stored long-term memories, newest first, a page at a time (pass nextCursor back as cursor for the next page). Filter by kind, time, metadata, agent, session or slot (key). ' +
        'Only facts that hold now are listed, unless asOf (what held then) or includeSuperseded (every version).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'list_memories', role: 'read', action: { action: 'memories.list', kind: 'read' } }, args, async (scope) => {
        const { namespace: _named, userId: _user, key, asOf, includeSuperseded, ...query } = args;
        const listing = listInput(scope.namespace, { ...query, ...(scope.userId === undefined ? {} : { userId: scope.userId }) });
        if (key !== undefined) listing.filter.key = key;
        const page = await caller.services.memories.list({ ...listing, validity: validityAsk(asOf, includeSuperseded) });
        const stale = page.items.map((memory) => caller.services.isStale(memory));
        const items = page.items.map((memory, index) => compactMemory(memory, stale[index]));
        const more = page.nextCursor === undefined ? '' : `\nMore: call again with cursor "${page.nextCursor}".`;
        const text = items.length === 0 ? 'No memories.' : `${items.length} memories:\n${page.items.map((memory, index) => memoryLine(memory, undefined, stale[index])).join('\n')}${more}`;
        return { text, structured: { namespace: scope.namespace, items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) } };
      }),
  );
}
