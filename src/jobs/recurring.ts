import { outsideAuditScope } from '../core/audit-scope.js';
import type { RecurringJob, ScheduledJob } from '../core/ports.js';

/**
 * Runs `job` in rounds in this process: a round at once, again at once while rounds do some work,
 * else after `idleMs` (or as soon as `nudge()` is called). A failed round goes to `job.onError`
 * and counts as idle. Which records a round works on is decided by claims (BatchClaims), so that
 * every replica may run the same job without two of them taking the same batch.
 */
export function runRecurring(job: RecurringJob): ScheduledJob {
  let running = true;
  let stopped = false;
  let wake: (() => void) | undefined;

  async function loop(): Promise<void> {
    while (!stopped) {
      let busy = false;
      try {
        busy = await job.round();
      } catch (error) {
        job.onError(error);
      }
      if (busy || stopped) continue;
      running = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, job.idleMs);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      running = true;
    }
  }
  // A job a request starts runs outside that request: its writes must not carry the request's audit entry.
  const done = outsideAuditScope(loop);

  return {
    get running() {
      return running && !stopped;
    },
    nudge() {
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
