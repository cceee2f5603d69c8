// Loading data from memOS in a view: one hook that runs a call, keeps its result or its error,
// drops answers that arrive after the view moved on, and can run it again.
import { MemosError } from '@memos/client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` now and whenever `deps` change; `load` gets a signal that aborts when they do. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    latest.current(controller.signal).then(
      (data) => controller.signal.aborted || setState({ data, error: undefined, loading: false }),
      (error: unknown) => controller.signal.aborted || setState({ data: undefined, error, loading: false }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names the dependencies
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/** What went wrong, in words for a person: memOS's own detail, and the field it names. */
export function describeError(error: unknown): string {
  if (error instanceof MemosError) {
    const detail = error.problem?.detail ?? error.message;
    return error.status === undefined ? `memOS did not answer: ${detail}` : `${detail} (${error.status} ${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
