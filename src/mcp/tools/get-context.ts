import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema } from '../../http/schemas.js';
import { validityAsk, validityFields } from '../../http/routes/memory-fields.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from '../../http/routes/filters.js';
import { QUERY_SOURCES } from '../../memory/context/context-service.js';
import { runTool, type McpCaller } from '../tool-runner.js';

/** The `tokenBudget` bounds of `POST /api/v1/context`. */
const TOKEN_BUDGET_RANGE = { min: 32, max: 131_072 } as const;

/** `get_context`: the prompt-ready bundle, as `POST /api/v1/context` builds it. */
export function registerGetContext(server: McpServer, caller: McpCaller): void {
  const { search, context } = caller.config;
  const input = z.strictObject({
    namespace: idSchema.optional().describe('The namespace (tenant). Usually leave it out: the connection fixes it, and naming another is refused'),
    userId: idSchema.optional().describe('The user whose memories to gather. Leave it out when the connection acts as one user'),
    sessionId: idSchema.optional().describe('A session whose recent messages go into the bundle; its last user message is the query when none is given'),
    agentId: idSchema.optional(),
    query: recallQuery.optional().describe('What the next answer is about'),
    tokenBudget: z
      .number()
      .int()
      .min(TOKEN_BUDGET_RANGE.min)
      .max(TOKEN_BUDGET_RANGE.max)
      .default(context.tokenBudget)
      .describe(`Most tokens the bundle text may take (${TOKEN_BUDGET_RANGE.min} to ${TOKEN_BUDGET_RANGE.max}, default ${context.tokenBudget})`),
    limit: z.number().int().min(1).max(search.maxLimit).default(context.limit).describe('Candidates per tier'),
    types: recallTypes,
    filters: recallFilters,
    ...validityFields,
  });
  const output = z.object({
    namespace: z.string(),
    query: z.string().nullable(),
    querySource: z.enum(QUERY_SOURCES),
    tokenBudget: z.number(),
    tokens: z.number(),
    text: z.string(),
    sessionId: z.string().nullable(),
    messageCount: z.number(),
    memoryIds: z.array(z.string()),
    episodeIds: z.array(z.string()),
    notices: z.array(z.string()),
  });

  server.registerTool(
    'get_context',
    {
      title: 'Get context',
      description:
        'Gather what is worth knowing before the next answer, as prompt-ready text within a token budget: the recent messages of a session, ' +
        'and the memories and episodes most relevant to the query (or to the session’s last user message).',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'get_context', role: 'read', action: { action: 'recall.context', kind: 'read' } }, args, async (scope) => {
        const { filters, namespace: _named, userId: _user, asOf, includeSuperseded, ...rest } = args;
        const bundle = await caller.services.context.build({
          ...rest,
          validity: validityAsk(asOf, includeSuperseded),
          namespace: scope.namespace,
          ...(scope.userId === undefined ? {} : { userId: scope.userId }),
          ...(scope.reachUserId === undefined ? {} : { reachUserId: scope.reachUserId }),
          filters: searchFilters(filters),
        });
        const structured = {
          namespace: bundle.namespace,
          query: bundle.query,
          querySource: bundle.querySource,
          tokenBudget: bundle.tokenBudget,
          tokens: bundle.tokens,
          text: bundle.text,
          sessionId: bundle.session?.sessionId ?? null,
          messageCount: bundle.session?.messages.length ?? 0,
          memoryIds: bundle.memories.map((hit) => hit.id),
          episodeIds: bundle.episodes.map((hit) => hit.id),
          notices: bundle.notices,
        };
        return { text: bundle.text === '' ? 'No context found.' : bundle.text, structured };
      }),
  );
}
