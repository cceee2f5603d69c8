import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema, timestampSchema } from '../../http/schemas.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { compactMemory, memoryLine, memoryOut } from './records.js';

/** `retract_memory`: marks a fact as no longer (or never) true, as `POST /api/v1/memories/{id}/retract`. */
export function registerRetractMemory(server: McpServer, caller: McpCaller): void {
  const input = z.strictObject({
    namespace: idSchema.optional().describe('The namespace. Usually leave it out: the connection fixes it, and naming another is refused'),
    id: idSchema.describe('The memory’s id, as remember, recall or list_memories gave it'),
    reason: z.string().min(1).max(500).optional().describe('Why, in a few words'),
    validTo: timestampSchema.optional().describe('Since when it no longer holds (ISO 8601, not in the future); default now. At or before the fact’s start: it never held'),
  });
  const output = z.object({ namespace: z.string(), memory: memoryOut });

  server.registerTool(
    'retract_memory',
    {
      title: 'Retract memory',
      description:
        'Mark a long-term memory as no longer true, or never true, without a replacement: it stops coming back from recall and context, and stays readable with its history. ' +
        'Use it when the user says a fact was wrong or has ended. To replace a fact with a new one, call remember with the same key or with supersedes instead.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      runTool(
        caller,
        { name: 'retract_memory', role: 'write', action: { action: 'memories.retract', kind: 'change' } },
        args,
        async (scope) => {
          const ref = { namespace: scope.namespace, id: args.id, ...(scope.reachUserId === undefined ? {} : { userId: scope.reachUserId }) };
          const memory = await caller.services.memories.retract(ref, { ...(args.reason === undefined ? {} : { reason: args.reason }), ...(args.validTo === undefined ? {} : { validTo: args.validTo }) });
          return { text: `Retracted:\n${memoryLine(memory)}`, structured: { namespace: scope.namespace, memory: compactMemory(memory, caller.services.isStale(memory)) } };
        },
        [args.id],
      ),
  );
}
