// The MCP server over streamable HTTP at `/mcp`, stateless: each POST gets a server and a
// transport of its own, built for the key that sent it, so that any replica can answer any request.
// The access hook has authenticated the key (route-access.ts: `key`); each tool checks role,
// namespace and user itself (src/mcp/caller-scope.ts). GET and DELETE (an SSE stream, a session
// to end) have nothing to serve without sessions: the router answers them 405 naming POST.

import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LOCAL_PRINCIPAL } from '../../auth/access-hook.js';
import { MemosError, validationError } from '../../core/errors.js';
import { createMcpServer } from '../../mcp/server.js';
import { bodyLimits } from '../body-limits.js';
import { PROBLEM_CONTENT_TYPE, problemOf, statusOf } from '../problem.js';
import type { RouteContext, ZodApp } from './route-context.js';

export function mcpRoutes(app: ZodApp, { services, config }: RouteContext): void {
  app.post('/mcp', {
    // The protocol has its own schema (JSON-RPC); the OpenAPI document leaves it out (docs/mcp.md).
    schema: { hide: true },
    // The largest tool input is remember's full batch: the body limit of POST /api/v1/memories.
    bodyLimit: bodyLimits(config.limits).get('POST /api/v1/memories')?.bytes ?? config.limits.bodyBytes,
    handler: async (request, reply) => {
      // The transport answers 202 to an empty batch: refuse what cannot be a JSON-RPC message ourselves.
      if (!isMessageShaped(request.body)) throw validationError([{ field: 'body', message: 'must be a JSON-RPC message (an object) or a non-empty array of them' }]);
      const server = createMcpServer({ principal: request.principal ?? LOCAL_PRINCIPAL, config, services, logger: request.log, requestId: request.id });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // The transport writes the answer itself, as JSON (or 4xx for a request that is not JSON-RPC).
      reply.hijack();
      reply.raw.setHeader('x-request-id', request.id);
      reply.raw.once('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'MCP request failed');
        if (!reply.raw.headersSent) {
          const failure = new MemosError('E_INTERNAL', 'the MCP request failed on the server');
          reply.raw.writeHead(statusOf(failure.code), { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(problemOf(failure, request)));
        } else if (!reply.raw.writableEnded) reply.raw.end();
      }
    },
  });
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object, or a non-empty array of objects: what a JSON-RPC message or batch looks like before the transport checks it. */
function isMessageShaped(body: unknown): boolean {
  return isObject(body) || (Array.isArray(body) && body.length > 0 && body.every(isObject));
}
