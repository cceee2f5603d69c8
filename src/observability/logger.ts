import { pino, type Logger } from 'pino';
import type { Config } from '../config/schema.js';

/** An error as logs show it. */
interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: LoggedError;
}

/**
 * Logs an error by its type, message, code, stack and cause only. Driver errors carry more
 * (PostgreSQL's `detail` can quote a whole failing row, an HTTP client error its request), and
 * logs must never hold memory text, vectors or secrets.
 */
export function loggedError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause !== undefined && depth < 3 ? { cause: loggedError(error.cause, depth + 1) } : {}),
  };
}

/**
 * JSON logs on stdout. Request bodies are never logged; errors are reduced to type, message, code
 * and stack; headers that may carry secrets are redacted in case a log line ever includes them.
 */
export function createLogger(config: Pick<Config, 'log'>, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: config.log.level,
    base: { service: 'memos' },
    serializers: { err: loggedError },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.password'], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
