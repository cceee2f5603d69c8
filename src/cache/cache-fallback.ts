import { collapseRepeatedLogs } from '../observability/repeated-logs.js';

/**
 * A guard for calls to the Cache port: a failing cache is reported and answered with `fallback`,
 * so that the cache is bypassed rather than failing the request.
 */
export function cacheFallback(onCacheError?: (error: unknown) => void) {
  return async <T>(work: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      onCacheError?.(error);
      return fallback;
    }
  };
}

/**
 * `onCacheError` for a logger: while a cache server is down every request fails over, so the
 * first failure is logged with its cause and later ones counted, one line per `intervalMs`.
 */
export function cacheErrorLog(logger: { warn(object: object, message: string): void }, message: string, intervalMs = 10_000) {
  const repeats = collapseRepeatedLogs(intervalMs);
  return (error: unknown) =>
    repeats.log(
      message,
      () => logger.warn({ err: error }, message),
      (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, message),
    );
}
