import type { Logger } from 'pino';

/**
 * What `memos serve` does with a failure that no code handled, so that it is never silent:
 * - an unhandled promise rejection is logged at `error` with the error (type, message, code,
 *   stack, through the logger's `err` serializer: never memory text), and memOS keeps running.
 *   Such a rejection is a bug in one operation; the requests and background work around it are
 *   unaffected, and dying would drop every request in flight.
 * - an uncaught exception is logged at `fatal`, and the process exits with code 1: a throw that
 *   unwound the stack may have left shared state half-changed, so a supervisor (systemd, Docker,
 *   Kubernetes) should start a fresh process. Acknowledged writes are already durable.
 */
export function guardProcess(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason, event: 'unhandledRejection' }, 'unhandled promise rejection: logged, memOS keeps running');
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, event: origin }, 'uncaught exception: memOS exits with code 1 for a supervisor to restart it');
    exit(1);
  });
}
