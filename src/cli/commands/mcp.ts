import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LOCAL_PRINCIPAL } from '../../auth/access-hook.js';
import { loadConfig } from '../../config/load.js';
import { isMemosError, MemosError } from '../../core/errors.js';
import { createMemos, type Memos } from '../../main.js';
import { createMcpServer } from '../../mcp/server.js';
import { createLogger } from '../../observability/logger.js';
import { parseFlags } from '../parse-flags.js';
import { guardProcess } from '../process-guards.js';

export const mcpUsage = `Usage: memos mcp [--data-dir DIR] [--config FILE] [--namespace NS] [--user ID] [--log-level LEVEL]
       memos mcp --url URL [--key KEY]

Serves memOS's MCP tools (remember, recall, get_context, record_episode, append_session_messages,
forget, list_memories) over stdio, for Claude Desktop, Cursor and other MCP clients that start a
command. stdout carries the protocol; logs go to stderr.

Without --url it runs memOS embedded on the data folder (as memos serve does, without listening on
a port). With --url it opens no data folder: it attaches to a running memOS's /mcp with an API key.

  --data-dir DIR     the data folder (MEMOS_DATA_DIR); one memOS serves it at a time
  --config FILE      a JSON config file (MEMOS_CONFIG)
  --namespace NS     every tool works in this namespace (MEMOS_MCP_NAMESPACE)
  --user ID          every tool acts for this user (MEMOS_MCP_USER_ID)
  --log-level LEVEL  fatal, error, warn, info, debug, trace or silent (MEMOS_LOG_LEVEL)
  --url URL          a running memOS (http://127.0.0.1:7420, as other commands take it) or its
                     MCP endpoint (http://127.0.0.1:7420/mcp)
  --key KEY          the API key for --url (else MEMOS_API_KEY); it pins namespace and user there
  -h, --help         show this help`;

/** `memos mcp`: MCP over stdio, embedded on a data folder or attached to a running server. */
export async function mcpCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, {
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    namespace: { type: 'string' },
    user: { type: 'string' },
    'log-level': { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
  });
  if (values.url !== undefined) {
    for (const local of ['data-dir', 'config', 'namespace', 'user'] as const) {
      if (values[local] !== undefined) throw new MemosError('E_CONFIG', `--${local} does not go with --url: the server at --url uses its own settings, and its key pins namespace and user`);
    }
    return attach(values.url, values.key ?? nonEmpty(process.env.MEMOS_API_KEY));
  }
  if (values.key !== undefined) throw new MemosError('E_CONFIG', '--key goes with --url: embedded, memos mcp works on the data folder itself and needs no key');
  return serveEmbedded({ 'data-dir': values['data-dir'], config: values.config, namespace: values.namespace, user: values.user, 'log-level': values['log-level'] });
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

async function serveEmbedded(flags: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig({ flags, env: process.env });
  // stdout is the protocol channel: every log line goes to stderr.
  const logger = createLogger(config, process.stderr);
  let memos: Memos;
  try {
    memos = await createMemos(config, { logger });
  } catch (error) {
    if (isMemosError(error) && error.code === 'E_CONFIG' && / is in use by /.test(error.message)) {
      throw new MemosError('E_CONFIG', `${error.message}. To use the memOS that serves it, attach to it: memos mcp --url http://HOST:PORT/mcp --key KEY`, { cause: error });
    }
    throw error;
  }
  guardProcess(memos.logger);
  // Whoever can open the data folder owns it: the local principal, as memOS on loopback without keys.
  const server = createMcpServer({ principal: LOCAL_PRINCIPAL, config, services: memos.services, logger: memos.logger });
  const transport = new StdioServerTransport();
  const stop = onceOnly(async () => {
    await server.close().catch(() => undefined);
    await memos.close();
    process.exit(0);
  });
  transport.onclose = () => void stop();
  await server.connect(transport);
  memos.logger.info({ dataDir: config.dataDir, storage: config.storage.driver, namespace: config.mcp.namespace, userId: config.mcp.userId }, 'memOS MCP is serving on stdio');
  stopOnEnd(stop);
}

/** A bridge between MCP over stdio and a running memOS's /mcp (streamable HTTP), message by message. */
async function attach(url: string, key: string | undefined): Promise<void> {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new MemosError('E_CONFIG', `--url: '${url}' is not a URL; give the server's MCP endpoint, e.g. http://127.0.0.1:7420/mcp`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new MemosError('E_CONFIG', '--url: must be an http:// or https:// URL');
  // The server's address, as the other commands take --url, means its MCP endpoint.
  if (endpoint.pathname === '/' || endpoint.pathname === '') endpoint.pathname = '/mcp';
  const remote = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } } });
  const local = new StdioServerTransport();
  const say = (message: string) => process.stderr.write(`memos mcp: ${message}\n`);

  local.onmessage = (message) => {
    remote.send(message).catch((error: unknown) => {
      // A request that never reached the server still gets an answer, so that the client does not wait for ever.
      const reason = (error as Error).message;
      say(`the server did not take a message: ${reason}`);
      if ('id' in message && 'method' in message) void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `memOS at ${endpoint.origin} did not answer: ${reason}` } });
    });
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    // Later requests name the protocol version the server chose, as the SDK client does.
    const version = 'result' in message ? (message.result as { protocolVersion?: unknown }).protocolVersion : undefined;
    if (typeof version === 'string') remote.setProtocolVersion(version);
    void local.send(message);
  };
  remote.onerror = (error) => say(error.message);
  const stop = onceOnly(async () => {
    await remote.close().catch(() => undefined);
    process.exit(0);
  });
  local.onclose = () => void stop();
  await remote.start();
  await local.start();
  stopOnEnd(stop);
}

/** Stops when the client closes stdin, or on SIGINT/SIGTERM. */
function stopOnEnd(stop: () => Promise<void>): void {
  process.stdin.once('end', () => void stop());
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/**
 * `fn` once, however often it is called. It starts on the next microtask: closing the transport
 * calls back into the stop it is part of, which must then find it already running, not start it again.
 */
function onceOnly(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= Promise.resolve().then(fn));
}
