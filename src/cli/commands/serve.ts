import { createServer } from 'node:net';
import { describeSetting, loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { unknownEnvNames } from '../../config/unknown-env.js';
import { MemosError } from '../../core/errors.js';
import { isLoopbackHost } from '../../http/host-guard.js';
import { createMemos } from '../../main.js';
import { createLogger } from '../../observability/logger.js';
import { redactUrl } from '../../storage/index.js';
import { parseFlags } from '../parse-flags.js';
import { guardProcess } from '../process-guards.js';

export const serveUsage = `Usage: memos serve [--host H] [--port P] [--data-dir DIR] [--config FILE] [--log-level LEVEL]

Runs memOS: the HTTP API on H:P (default 127.0.0.1:7420), with its data in DIR (default ./.memos).
Stops cleanly on SIGINT or SIGTERM.

  --host H           address to listen on (MEMOS_HOST)
  --port P           port to listen on; 0 picks a free one (MEMOS_PORT)
  --data-dir DIR     the data folder; one memOS serves it at a time (MEMOS_DATA_DIR)
  --config FILE      a JSON config file (MEMOS_CONFIG; default ./memos.config.json when present)
  --log-level LEVEL  fatal, error, warn, info, debug, trace or silent (MEMOS_LOG_LEVEL)
  -h, --help         show this help

Settings come from defaults < config file < MEMOS_* environment < flags (see the README).
A bad setting stops start-up with a message naming it, and exit code 78.`;

/** `memos serve`: load config, open storage, listen, and close cleanly on SIGINT/SIGTERM. */
export async function serveCommand(args: string[]): Promise<void> {
  const values = parseFlags(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    'log-level': { type: 'string' },
  });
  const config = loadConfig({ flags: values, env: process.env });
  const logger = createLogger(config);
  const unknown = unknownEnvNames(process.env);
  if (unknown.length > 0) {
    const variables = unknown.map(({ name, suggestion }) => (suggestion === undefined ? name : `${name} (did you mean ${suggestion}?)`));
    const what = unknown.length === 1 ? 'a MEMOS_* variable it does not know' : 'MEMOS_* variables it does not know';
    logger.warn({ variables }, `memOS ignores ${what}: ${variables.join(', ')}`);
  }
  await checkHost(config);
  const memos = await createMemos(config, { logger });
  guardProcess(memos.logger);
  let address: string;
  try {
    address = await memos.app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await memos.close();
    throw listenError(config, error);
  }
  const redis = {
    ...(config.redis.url === undefined ? {} : { redis: redactUrl(config.redis.url) }),
    ...(config.redis.cacheUrl === undefined ? {} : { cacheRedis: redactUrl(config.redis.cacheUrl) }),
  };
  const database = config.storage.driver === 'postgres' ? { database: redactUrl(config.storage.url), schema: config.storage.schema } : {};
  memos.logger.info({ address, dataDir: config.dataDir, storage: config.storage.driver, ...database, ...redis }, 'memOS is listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    memos.logger.info({ signal }, 'shutting down');
    memos.close().then(
      () => process.exit(0),
      (error: unknown) => {
        memos.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * A host beyond loopback that is not an address of this machine (or a name that does not resolve)
 * is named as such first, before the refusal to serve beyond loopback with no API key, since no key
 * would cure it. Probed on a free port; whether the port itself is free is learnt when memOS listens.
 */
async function checkHost(config: Config): Promise<void> {
  if (isLoopbackHost(config.server.host)) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host: config.server.host, port: 0 }, resolve);
    });
  } catch (error) {
    const named = listenError(config, error);
    // Anything else is left to the real listen, which reports it the same way.
    if (named !== error) throw named;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}

/** Why memOS cannot listen, as E_CONFIG (exit 78) naming the setting at fault and where it was set. */
function listenError(config: Config, error: unknown): unknown {
  const { host, port } = config.server;
  const at = `port ${port} on ${host}`;
  const fail = (path: string, problem: string) => new MemosError('E_CONFIG', `${describeSetting(config, path)}: ${problem}`, { cause: error });
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return fail('server.port', `${at} is already in use (by another memOS or another program); stop it, or choose another port`);
    case 'EACCES':
      return fail('server.port', `not allowed to listen on ${at} (ports below 1024 need privileges)`);
    case 'EADDRNOTAVAIL':
      return fail('server.host', `${host} is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail('server.host', `the host name ${host} does not resolve to an address`);
    default:
      return error;
  }
}
