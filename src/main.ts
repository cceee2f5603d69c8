import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { ulidGenerator } from './core/ids.js';
import type { Storage } from './core/ports.js';
import { createHttpApp } from './http/app.js';
import { createServices, type Services } from './memory/services.js';
import { createHealth } from './observability/health.js';
import { createLogger } from './observability/logger.js';
import { loadStorage } from './storage/index.js';

export interface Memos {
  config: Config;
  app: FastifyInstance;
  storage: Storage;
  services: Services;
  logger: Logger;
  /** Stops background work, then the HTTP server, then storage. */
  close(): Promise<void>;
}

export interface CreateMemosOptions {
  logger?: Logger;
  clock?: Clock;
}

/** The composition root: one adapter per port from config, the services, the HTTP app and background sweeps. */
export async function createMemos(config: Config, options: CreateMemosOptions = {}): Promise<Memos> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  const ids = ulidGenerator(clock);

  mkdirSync(config.dataDir, { recursive: true });
  const storage = await loadStorage({ config, clock, ids });
  await storage.init();

  const services = createServices({ storage, clock, ids, config });
  const health = createHealth({ storage, dataDir: config.dataDir });
  const app = await createHttpApp({ config, services, health, logger });

  const sweep = setInterval(() => {
    services.sessions.sweepExpired().then(
      (expired) => {
        if (expired > 0) logger.info({ expired }, 'expired sessions promoted to episodes');
      },
      (error: unknown) => logger.warn({ err: error }, 'session sweep failed'),
    );
  }, config.sessions.sweepIntervalSeconds * 1000);
  sweep.unref();

  return {
    config,
    app,
    storage,
    services,
    logger,
    async close() {
      clearInterval(sweep);
      await app.close();
      await storage.close();
    },
  };
}
