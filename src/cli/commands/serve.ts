import { loadConfig } from '../../config/load.js';
import { createMemos } from '../../main.js';
import { redactUrl } from '../../storage/index.js';
import { parseFlags } from '../parse-flags.js';
import { guardProcess } from '../process-guards.js';

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
  const memos = await createMemos(config);
  guardProcess(memos.logger);
  const address = await memos.app.listen({ host: config.server.host, port: config.server.port });
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
