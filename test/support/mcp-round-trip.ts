// What every MCP transport test shows, through the real SDK client: the tools are listed, and a
// memory is remembered, recalled, found in a context bundle and forgotten.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';

export const MCP_TOOLS = ['append_session_messages', 'forget', 'get_context', 'list_conflicts', 'list_memories', 'recall', 'record_episode', 'remember', 'retract_memory'];

/** Calls a tool and returns its result (text and structured content). */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The text of a result. */
export const textOf = (result: CallToolResult): string =>
  result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');

/** A structured result, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read structured content loosely
export const structuredOf = (result: CallToolResult): any => {
  expect(result.isError, textOf(result)).not.toBe(true);
  return result.structuredContent;
};

/**
 * Lists the tools, remembers a memory, recalls it, finds it in a context bundle and forgets it;
 * a recall afterwards no longer finds it. `scope` is laid over every call (namespace, userId).
 */
export async function rememberRecallForget(client: Client, scope: Record<string, unknown> = {}, mode: 'hybrid' | 'keyword' = 'hybrid'): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(MCP_TOOLS);
  for (const tool of tools) {
    expect(tool.description?.length, tool.name).toBeGreaterThan(40);
    expect(tool.inputSchema.type).toBe('object');
    expect(tool.outputSchema?.type, tool.name).toBe('object');
  }

  const remembered = structuredOf(
    await callTool(client, 'remember', {
      ...scope,
      memories: [
        { content: 'Ana prefers window seats on long-haul flights', kind: 'preference', importance: 0.8, metadata: { topic: 'travel' } },
        { content: 'Ana works as a marine biologist in Lisbon', kind: 'fact' },
      ],
    }),
  );
  expect(remembered.results.map((result: { action: string }) => result.action)).toEqual(['created', 'created']);
  const [seatId, jobId] = remembered.ids as [string, string];

  const recalled = await callTool(client, 'recall', { ...scope, query: 'Which seat does Ana like on flights?', mode, types: ['memories'], limit: 5 });
  const hits = structuredOf(recalled).hits as Array<{ id: string; type: string; memory: { content: string; kind: string } }>;
  expect(hits[0]).toMatchObject({ id: seatId, type: 'memory', memory: { kind: 'preference' } });
  expect(textOf(recalled)).toContain('window seats');

  const filtered = structuredOf(await callTool(client, 'recall', { ...scope, query: 'Ana', mode, filters: { kind: 'fact' } }));
  expect(filtered.hits.map((hit: { id: string }) => hit.id)).toEqual([jobId]);

  const context = await callTool(client, 'get_context', { ...scope, query: 'seat on a flight for Ana', tokenBudget: 256 });
  const bundle = structuredOf(context);
  expect(bundle.memoryIds).toContain(seatId);
  expect(bundle.tokens).toBeLessThanOrEqual(256);
  expect(textOf(context)).toContain('window seats');

  const forgotten = structuredOf(await callTool(client, 'forget', { namespace: scope.namespace, id: seatId }));
  expect(forgotten).toMatchObject({ id: seatId, deleted: true });
  const again = structuredOf(await callTool(client, 'recall', { ...scope, query: 'window seats flights', mode, types: ['memories'] }));
  expect(again.hits.map((hit: { id: string }) => hit.id)).not.toContain(seatId);
  const listed = structuredOf(await callTool(client, 'list_memories', { ...scope }));
  expect(listed.items.map((item: { id: string }) => item.id)).toEqual([jobId]);

  const missing = await callTool(client, 'forget', { namespace: scope.namespace, id: seatId });
  expect(missing.isError).toBe(true);
  expect(textOf(missing)).toMatch(/^E_NOT_FOUND: /);
}
