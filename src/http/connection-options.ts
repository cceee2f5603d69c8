import type { ServerOptions } from 'node:http';
import type { Config } from '../config/schema.js';

/**
 * Timeouts against slow clients. Node checks the header and request timeouts on an interval
 * (30 s by default, so a 10 s header timeout could let a socket live 40 s): check every second,
 * or more often for timeouts under two seconds.
 */
export function connectionOptions(server: Config['server']): { http: ServerOptions; requestTimeout: number; keepAliveTimeout: number } {
  return {
    http: {
      headersTimeout: server.headersTimeoutMs,
      requestTimeout: server.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(server.headersTimeoutMs / 2))),
    },
    requestTimeout: server.requestTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
  };
}
