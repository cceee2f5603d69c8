// The MCP server of one caller: its tools call the same services as the HTTP routes (never the
// routes), within the namespace and user the caller's key and the server settings pin
// (caller-scope.ts). One per stdio connection; one per request at `/mcp` (stateless).

import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/schema.js';
import { ID_PATTERN } from '../core/ids.js';
import { fieldSchemas } from '../http/schemas.js';
import type { Services } from '../memory/services.js';
import { VERSION } from '../version.js';
import { pinnedScope } from './caller-scope.js';
import { runTool, type McpCaller, type McpLogger } from './tool-runner.js';
import { registerAppendSessionMessages } from './tools/append-session-messages.js';
import { registerForget } from './tools/forget.js';
import { registerGetContext } from './tools/get-context.js';
import { registerListConflicts } from './tools/list-conflicts.js';
import { registerListMemories } from './tools/list-memories.js';
import { registerRecall } from './tools/recall.js';
import { registerRecordEpisode } from './tools/record-episode.js';
import { compactMemory } from './tools/records.js';
import { registerRemember } from './tools/remember.js';
import { registerRetractMemory } from './tools/retract-memory.js';

export interface McpServerOptions {
  principal: Principal;
  config: Config;
  services: Services;
  logger: McpLogger;
  /** The id audit entries of this server's calls name (the HTTP request's); absent: one per call. */
  requestId?: string;
}

const INSTRUCTIONS =
  'memOS is your long-term memory. Before answering, call get_context (or recall) to learn what you already know about the user and the task. ' +
  'When you learn something worth keeping (a fact, a preference, a decision), call remember with one self-contained statement per memory. ' +
  'Record actions you take for a task, and how they ended, with record_episode (kind intervention). Use forget when asked to forget something.';

/** The MCP server for one caller, with every tool, the memory resource and the prompt. */
export function createMcpServer({ principal, config, services, logger, requestId }: McpServerOptions): McpServer {
  const caller: McpCaller = { principal, pinned: pinnedScope(principal, config.mcp), config, services, logger, ...(requestId === undefined ? {} : { requestId }) };
  const server = new McpServer({ name: 'memos', title: 'memOS', version: VERSION }, { instructions: INSTRUCTIONS });
  const fields = fieldSchemas(config.limits);
  registerRemember(server, caller, fields);
  registerRecall(server, caller);
  registerGetContext(server, caller);
  registerRecordEpisode(server, caller, fields);
  registerAppendSessionMessages(server, caller, fields);
  registerForget(server, caller);
  registerListMemories(server, caller);
  registerRetractMemory(server, caller);
  registerListConflicts(server, caller);
  registerMemoryResource(server, caller);
  registerRememberPrompt(server);
  return server;
}

/** `memos://memories/{id}`: one memory, as JSON, in the connection's namespace and within its user. */
function registerMemoryResource(server: McpServer, caller: McpCaller): void {
  server.registerResource(
    'memory',
    new ResourceTemplate('memos://memories/{id}', { list: undefined }),
    { title: 'A memory', description: 'One long-term memory by id, in the namespace this connection works in', mimeType: 'application/json' },
    async (uri, variables) => {
      const id = String(variables.id);
      if (!ID_PATTERN.test(id)) throw new McpError(ErrorCode.InvalidParams, 'the memory id in the URI is not an id');
      const result = await runTool(caller, { name: 'memory-resource', role: 'read', action: { action: 'memories.get', kind: 'read' } }, {}, async (scope) => {
        const memory = await caller.services.memories.get({ namespace: scope.namespace, id, ...(scope.reachUserId === undefined ? {} : { userId: scope.reachUserId }) });
        return { text: JSON.stringify(compactMemory(memory, caller.services.isStale(memory))), structured: {} };
      }, [id]);
      const [first] = result.content;
      const text = first?.type === 'text' ? first.text : '';
      // The tool runner's error text is the safe one (a code and a message without memory text).
      if (result.isError === true) throw new McpError(ErrorCode.InvalidParams, text);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
    },
  );
}

/** A prompt that sets a model up to use its memory in a conversation about `topic`. */
function registerRememberPrompt(server: McpServer): void {
  server.registerPrompt(
    'use-memory',
    { title: 'Use memory', description: 'Start a conversation that consults memOS first and stores what it learns' },
    () => ({
      messages: [{ role: 'user', content: { type: 'text', text: `${INSTRUCTIONS} Begin by calling get_context with my first question as the query.` } }],
    }),
  );
}
