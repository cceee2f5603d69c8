import { pino, type Logger } from 'pino';
import type { Config } from '../config/schema.js';

/**
 * JSON logs on stdout. Request bodies are never logged; headers that may carry secrets are
 * redacted in case a log line ever includes them.
 */
export function createLogger(config: Pick<Config, 'log'>, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: config.log.level,
    base: { service: 'memos' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.password'], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
