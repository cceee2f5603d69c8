// Collapsing log lines that repeat: during an outage every request (or every round of a background
// loop) fails the same way, and a full line with its stack trace each time would drown the log.

/** Writes the line of a repeated event: how many occurrences it stands for, over how many seconds. */
export type RepeatSummary = (repeated: number, seconds: number) => void;

export interface RepeatedLogs {
  /**
   * The first occurrence of `key` is written in full by `full()`; later ones within the interval
   * are only counted, and when the interval ends `summary(count, seconds)` writes one line for
   * them (the newest summary given is used). An interval with no repeats closes quietly, and the
   * next occurrence is written in full again.
   */
  log(key: string, full: () => void, summary: RepeatSummary): void;
  /** Writes the pending summaries now and forgets every interval, e.g. at shutdown. */
  flush(): void;
}

interface Window {
  count: number;
  openedAt: number;
  summary: RepeatSummary;
  timer: NodeJS.Timeout;
}

/** One collapser per kind of line; keys (error codes) must be few, as each open one holds a timer. */
export function collapseRepeatedLogs(intervalMs = 10_000): RepeatedLogs {
  const windows = new Map<string, Window>();
  const secondsSince = (at: number) => Math.round((performance.now() - at) / 100) / 10;

  const open = (key: string, summary: RepeatSummary) => {
    const timer = setTimeout(() => close(key), intervalMs);
    timer.unref();
    windows.set(key, { count: 0, openedAt: performance.now(), summary, timer });
  };

  const close = (key: string) => {
    const window = windows.get(key);
    if (!window) return;
    windows.delete(key);
    if (window.count === 0) return;
    window.summary(window.count, secondsSince(window.openedAt));
    // Still repeating: the next occurrences are counted into a new interval rather than written in full.
    open(key, window.summary);
  };

  return {
    log(key, full, summary) {
      const window = windows.get(key);
      if (window) {
        window.count += 1;
        window.summary = summary;
        return;
      }
      full();
      open(key, summary);
    },
    flush() {
      for (const [key, window] of [...windows]) {
        clearTimeout(window.timer);
        windows.delete(key);
        if (window.count > 0) window.summary(window.count, secondsSince(window.openedAt));
      }
    },
  };
}
