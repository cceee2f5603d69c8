/** `load()`'s answer, reused for `ms`; concurrent callers share one load, and a failure is not kept. */
export function freshFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  let loadedAt = -Infinity;
  return () => {
    if (value === undefined || performance.now() - loadedAt > ms) {
      loadedAt = performance.now();
      value = load();
      value.catch(() => {
        value = undefined;
      });
    }
    return value;
  };
}
