import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { INTERVENTION_OUTCOMES, MESSAGE_ROLES } from '../../core/types.js';
import { episodeKindSchema, idSchema, timestampSchema, type FieldSchemas } from '../../http/schemas.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { scopeArgs } from './records.js';

const INTERVENTION_FIELDS = ['task', 'context', 'outcome'] as const;

/** `record_episode`: appends one episode, as `POST /api/v1/episodes` does for each. */
export function registerRecordEpisode(server: McpServer, caller: McpCaller, fields: FieldSchemas): void {
  const input = z
    .strictObject({
      ...scopeArgs,
      agentId: idSchema.optional(),
      sessionId: idSchema.optional().describe('The session it happened in'),
      kind: episodeKindSchema.describe(
        'observation, message, tool_result, intervention (an action taken for a task: needs task; give context and outcome), outcome, or a custom lower-case kind',
      ),
      content: fields.content.describe('What happened, in a sentence or a few'),
      role: z.enum(MESSAGE_ROLES).optional().describe('For kind message: who said it'),
      occurredAt: timestampSchema.optional().describe('When it happened (ISO 8601 with a zone); default now'),
      metadata: fields.metadata.optional(),
      task: fields.text('task').optional().describe('Intervention: the task it served'),
      context: fields.text('context').optional().describe('Intervention: the situation it was taken in'),
      outcome: z.enum(INTERVENTION_OUTCOMES).optional().describe('Intervention: how it ended'),
    })
    .superRefine((value, ctx) => {
      if (value.kind === 'intervention' && value.task === undefined) ctx.addIssue({ code: 'custom', path: ['task'], message: 'is required for an intervention' });
      if (value.kind !== 'intervention' && value.kind !== 'outcome') {
        for (const field of INTERVENTION_FIELDS) {
          if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is only for kinds intervention and outcome' });
        }
      }
    });
  const output = z.object({ namespace: z.string(), id: z.string(), kind: z.string(), occurredAt: z.string() });

  server.registerTool(
    'record_episode',
    {
      title: 'Record an episode',
      description:
        'Record something that happened, on the timeline: an observation, a tool result, or an intervention (an action taken for a task, with its task, context and outcome, ' +
        'so that later you can recall what worked). Episodes are append-only and searchable with recall.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'record_episode', role: 'write', action: { action: 'episodes.append', kind: 'change' } }, args, async (scope) => {
        const { namespace: _named, userId: _user, ...episode } = args;
        const [stored] = await caller.services.episodes.append(scope.namespace, [{ ...episode, ...(scope.userId === undefined ? {} : { userId: scope.userId }) }]);
        if (stored === undefined) throw new Error('the episode store returned no episode');
        return {
          text: `Recorded ${stored.kind} episode ${stored.id} in namespace '${scope.namespace}' at ${stored.occurredAt}.`,
          structured: { namespace: scope.namespace, id: stored.id, kind: stored.kind, occurredAt: stored.occurredAt },
        };
      }),
  );
}
