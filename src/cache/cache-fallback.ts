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
