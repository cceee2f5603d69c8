// Progress of a long CLI operation (export, import, backup, restore, reindex, forget): a bar with
// counts and rate on a terminal, and a plain line every few seconds otherwise (a pipe, a log file,
// CI). Progress goes to stderr, so that a command's own output on stdout (an export) stays clean.

import cliProgress from 'cli-progress';

export interface Progress {
  /** Counts `n` more items done. */
  tick(n?: number): void;
  /** Sets the total once it is known (or learnt to be larger). */
  setTotal(total: number): void;
  /** Ends the bar and prints a last line with the count, the time taken and the rate. */
  done(summary?: string): void;
}

export interface ProgressOptions {
  /** What is counted, e.g. `records exported`. */
  label: string;
  /** Items expected, when known. */
  total?: number;
  /** Where to draw; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Plain lines when not on a terminal, this often (default 2000 ms). */
  intervalMs?: number;
  /** Nothing at all (`--quiet`). */
  quiet?: boolean;
}

const rate = (count: number, ms: number) => (ms <= 0 ? 0 : Math.round((count * 1000) / ms));

/** A progress reporter: a bar on a TTY, periodic plain lines elsewhere. */
export function createProgress({ label, total, stream = process.stderr, intervalMs = 2000, quiet = false }: ProgressOptions): Progress {
  const started = Date.now();
  let count = 0;
  let expected = total ?? 0;
  if (quiet) {
    return { tick: (n = 1) => void (count += n), setTotal: () => undefined, done: () => undefined };
  }
  if (stream.isTTY) {
    const format = expected > 0
      ? `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | {duration_formatted}`
      : `${label} {value} | {rate}/s | {duration_formatted}`;
    const bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, etaBuffer: 50, fps: 10 }, cliProgress.Presets.shades_classic);
    bar.start(expected, 0, { rate: 0 });
    return {
      tick(n = 1) {
        count += n;
        bar.update(count, { rate: rate(count, Date.now() - started) });
      },
      setTotal(next) {
        expected = next;
        bar.setTotal(next);
      },
      done(summary) {
        bar.update(count, { rate: rate(count, Date.now() - started) });
        bar.stop();
        stream.write(`${summary ?? `${count} ${label}`} in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate(count, Date.now() - started)}/s)\n`);
      },
    };
  }
  let last = started;
  const line = () => {
    const of = expected > 0 ? `/${expected} (${Math.floor((count / expected) * 100)}%)` : '';
    stream.write(`${label}: ${count}${of}, ${rate(count, Date.now() - started)}/s\n`);
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        line();
      }
    },
    setTotal(next) {
      expected = next;
    },
    done(summary) {
      stream.write(`${summary ?? `${count} ${label}`} in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate(count, Date.now() - started)}/s)\n`);
    },
  };
}
