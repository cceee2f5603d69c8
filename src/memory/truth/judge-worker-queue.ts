// A bounded in-process queue of background work (the LLM judge's questions, reflection lessons):
// one item at a time, after the write that queued it has been answered. Nothing here is durable:
// a crash loses what is queued, and the memories stay as their writes left them.

import type { Logger } from 'pino';
import { collapseRepeatedLogs } from '../../observability/repeated-logs.js';

export interface BackgroundQueueOptions<T> {
  /** Names the queue in log lines. */
  name: string;
  /** Items waiting at most; a new one beyond it pushes out the oldest. */
  maxQueue: number;
  logger: Logger;
  /** The work for one item; it handles its own failures (a throw is logged by error code only). */
  run: (item: T, signal: AbortSignal) => Promise<void>;
}

export interface BackgroundQueue<T> {
  /** Queues an item; never blocks and never throws. */
  push(item: T): void;
  /** Waits until every item queued so far has been worked on. */
  drain(): Promise<void>;
  /** Stops: what is queued is dropped, the item in progress is aborted and awaited. */
  close(): Promise<void>;
  readonly waiting: number;
  /** Items pushed out by newer ones, or dropped at close, since start. */
  readonly dropped: number;
}

export function createBackgroundQueue<T>({ name, maxQueue, logger, run }: BackgroundQueueOptions<T>): BackgroundQueue<T> {
  if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new Error(`${name}: maxQueue must be a positive integer`);
  const queue: T[] = [];
  const stop = new AbortController();
  const warnings = collapseRepeatedLogs();
  let running: Promise<void> | undefined;
  let dropped = 0;

  const kick = () => {
    running ??= work().finally(() => {
      running = undefined;
      // An item pushed after the loop's last look, while it was ending.
      if (queue.length > 0 && !stop.signal.aborted) kick();
    });
  };

  async function work(): Promise<void> {
    // Never on the caller's path: the first item starts once the current turn (the write's answer) is done.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0 && !stop.signal.aborted) {
      const item = queue.shift()!;
      try {
        await run(item, stop.signal);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        logger.warn({ queue: name, code: typeof code === 'string' ? code : 'unknown' }, 'background work failed; the memory stays as written');
      }
    }
  }

  return {
    push(item) {
      if (stop.signal.aborted) {
        dropped += 1;
        return;
      }
      if (queue.length >= maxQueue) {
        queue.shift();
        dropped += 1;
        warnings.log(
          'full',
          () => logger.warn({ queue: name, maxQueue, dropped }, 'background queue full: the oldest item was dropped'),
          (repeated, seconds) => logger.warn({ queue: name, maxQueue, dropped, repeated, seconds }, 'background queue full: the oldest item was dropped'),
        );
      }
      queue.push(item);
      kick();
    },
    async drain() {
      while (running !== undefined) await running;
    },
    async close() {
      if (queue.length > 0) logger.info({ queue: name, dropped: queue.length }, 'background work still queued at shutdown was dropped');
      dropped += queue.length;
      queue.length = 0;
      stop.abort();
      while (running !== undefined) await running;
      warnings.flush();
    },
    get waiting() {
      return queue.length;
    },
    get dropped() {
      return dropped;
    },
  };
}
