import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema } from '../../http/schemas.js';
import { runTool, type McpCaller } from '../tool-runner.js';

/** `forget`: deletes one memory within the caller's reach, as `DELETE /api/v1/memories/{id}`. */
export function registerForget(server: McpServer, caller: McpCaller): void {
  const input = z.strictObject({
    namespace: idSchema.optional().describe('The namespace. Usually leave it out: the connection fixes it, and naming another is refused'),
    id: idSchema.describe('The memory’s id, as remember, recall or list_memories gave it'),
  });
  const output = z.object({ namespace: z.string(), id: z.string(), deleted: z.boolean() });

  server.registerTool(
    'forget',
    {
      title: 'Forget',
      description:
        'Delete one long-term memory, with its history, by id. Use it when the user asks to forget something, or a memory is wrong. ' +
        'A memory outside this connection’s reach (another namespace or user) answers as not found.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(
        caller,
        { name: 'forget', role: 'write', action: { action: 'memories.delete', kind: 'change' } },
        args,
        async (scope) => {
          await caller.services.memories.delete({ namespace: scope.namespace, id: args.id, ...(scope.reachUserId === undefined ? {} : { userId: scope.reachUserId }) });
          return { text: `Forgot memory ${args.id}.`, structured: { namespace: scope.namespace, id: args.id, deleted: true } };
        },
        [args.id],
      ),
  );
}
