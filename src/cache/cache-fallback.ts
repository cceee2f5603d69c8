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
 * first failure is logged with its cause and later ones at most once per `intervalMs`, counted.
 */
export function cacheErrorLog(logger: { warn(object: object, message: string): void }, message: string, intervalMs = 10_000) {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (error: unknown) => {
    const now = performance.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: error, ...(suppressed > 0 ? { suppressed } : {}) }, message);
    lastAt = now;
    suppressed = 0;
  };
}
