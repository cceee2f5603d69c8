import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { idSchema } from '../../http/schemas.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from '../../http/routes/filters.js';
import { validityAsk, validityFields } from '../../http/routes/memory-fields.js';
import { SEARCH_MODES } from '../../memory/recall/search-service.js';
import { runTool, type McpCaller } from '../tool-runner.js';
import { compactEpisode, compactMemory, episodeLine, episodeOut, memoryLine, memoryOut, scopeArgs } from './records.js';

/** `recall`: hybrid search over memories and episodes, as `POST /api/v1/search` does. */
export function registerRecall(server: McpServer, caller: McpCaller): void {
  const { search } = caller.config;
  const input = z.strictObject({
    ...scopeArgs,
    query: recallQuery.describe('What to look for, in natural language or keywords'),
    agentId: idSchema.optional().describe('Only records of this agent'),
    sessionId: idSchema.optional().describe('Only records of this session'),
    types: recallTypes.describe('Which tiers to search: "memories" (long-term), "episodes" (what happened); default both'),
    limit: z.number().int().min(1).max(search.maxLimit).default(search.defaultLimit).describe(`Hits to return, 1 to ${search.maxLimit}`),
    mode: z.enum(SEARCH_MODES).default('hybrid').describe('hybrid (default: keywords and meaning), vector (meaning only) or keyword'),
    minScore: z.number().min(0).max(1).optional().describe('Leave out hits scoring below this (0 to 1)'),
    filters: recallFilters.describe('kind (one or a list, e.g. "preference" or ["fact","preference"]), from and to (ISO 8601 time window) and metadata (exact matches)'),
    ...validityFields,
  });
  const output = z.object({
    namespace: z.string(),
    mode: z.enum(SEARCH_MODES),
    requestedMode: z.enum(SEARCH_MODES),
    hits: z.array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('memory'), id: z.string(), score: z.number(), memory: memoryOut }),
        z.object({ type: z.literal('episode'), id: z.string(), score: z.number(), episode: episodeOut }),
      ]),
    ),
    notices: z.array(z.string()),
  });

  server.registerTool(
    'recall',
    {
      title: 'Recall',
      description:
        'Search what memOS remembers: long-term memories and episodes, ranked by keyword and meaning (hybrid), recency and importance. ' +
        'Use it before answering anything that may depend on what the user said or did before. Filter by kind, time window, metadata, agent or session. ' +
        'Only facts that hold now come back, unless asOf (what held then) or includeSuperseded; memories flagged as possibly contradicting each other say so.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(caller, { name: 'recall', role: 'read', action: { action: 'recall.search', kind: 'read' } }, args, async (scope) => {
        const { filters, namespace: _named, userId: _user, asOf, includeSuperseded, ...rest } = args;
        const result = await caller.services.search.search({
          ...rest,
          namespace: scope.namespace,
          ...(scope.userId === undefined ? {} : { userId: scope.userId }),
          filters: searchFilters(filters),
          validity: validityAsk(asOf, includeSuperseded),
        });
        const hits = result.hits.map((hit) =>
          hit.type === 'memory'
            ? { type: 'memory' as const, id: hit.id, score: hit.score, memory: { ...compactMemory(hit.item, hit.stale), ...(hit.conflictsWith === undefined ? {} : { conflictsWith: hit.conflictsWith }) } }
            : { type: 'episode' as const, id: hit.id, score: hit.score, episode: compactEpisode(hit.item) },
        );
        const lines = result.hits.map((hit) => (hit.type === 'memory' ? memoryLine(hit.item, hit.score, hit.stale, hit.conflictsWith) : episodeLine(hit.item, hit.score)));
        const notices = result.notices.length === 0 ? '' : `\nNotes: ${result.notices.join(' ')}`;
        const text = hits.length === 0 ? `Nothing found (${result.mode} search).${notices}` : `${hits.length} found (${result.mode} search):\n${lines.join('\n')}${notices}`;
        return { text, structured: { namespace: scope.namespace, mode: result.mode, requestedMode: result.requestedMode, hits, notices: result.notices } };
      }),
  );
}
