import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema, type FieldSchemas } from '../../http/schemas.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { scopeArgs } from './records.js';

/** `append_session_messages`: as `POST /api/v1/sessions/{sessionId}/messages`. */
export function registerAppendSessionMessages(server: McpServer, caller: McpCaller, fields: FieldSchemas): void {
  const input = z.strictObject({
    ...scopeArgs,
    sessionId: idSchema.describe('The conversation; created when missing'),
    agentId: idSchema.optional().describe('The agent of a session this call creates'),
    ttlSeconds: z.number().int().min(1).max(30 * 24 * 3600).optional().describe('Idle time before the session expires (its messages then become episodes)'),
    messages: fields.batch(fields.message, 'message', 'messages').describe('Messages in order: role (user, assistant, system, tool) and content'),
  });
  const output = z.object({
    namespace: z.string(),
    sessionId: z.string(),
    created: z.boolean(),
    messageCount: z.number(),
    expiresAt: z.string(),
    promotedEpisodeIds: z.array(z.string()),
  });

  server.registerTool(
    'append_session_messages',
    {
      title: 'Append session messages',
      description:
        'Add messages to the short-term memory of a conversation (a session), creating it when missing. The session keeps a window of recent messages; ' +
        'older ones, and those of a session that expires, become episodes rather than being dropped. get_context reads them back.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'append_session_messages', role: 'write', action: { action: 'sessions.append', kind: 'change' } }, args, async (scope) => {
        const key = { namespace: scope.namespace, sessionId: args.sessionId, ...(scope.reachUserId === undefined ? {} : { userId: scope.reachUserId }) };
        const options = {
          ...(scope.userId === undefined ? {} : { userId: scope.userId }),
          ...(args.agentId === undefined ? {} : { agentId: args.agentId }),
          ...(args.ttlSeconds === undefined ? {} : { ttlSeconds: args.ttlSeconds }),
        };
        const { session, created, promoted } = await caller.services.sessions.append(key, args.messages, options);
        const structured = {
          namespace: scope.namespace,
          sessionId: session.sessionId,
          created,
          messageCount: session.messages.length,
          expiresAt: session.expiresAt,
          promotedEpisodeIds: promoted.map((episode) => episode.id),
        };
        const moved = promoted.length === 0 ? '' : ` ${promoted.length} older message(s) became episodes.`;
        return { text: `${created ? 'Created' : 'Appended to'} session ${session.sessionId}: it holds ${session.messages.length} message(s).${moved}`, structured };
      }),
  );
}
