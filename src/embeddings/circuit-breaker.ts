export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * How one admitted call ended, for the breaker:
 * - `answered`: the upstream answered (a success, or a non-retryable error such as a 400 or a bad
 *   vector): it is reachable, so the failure count resets and a half-open circuit closes;
 * - `unavailable`: a retryable failure (429, 5xx, network, timeout): counts toward opening;
 * - `cancelled`: the caller gave up, or the provider threw something that is not a provider
 *   error: says nothing about the upstream, so nothing changes except that a trial slot frees.
 */
export type CallOutcome = 'answered' | 'unavailable' | 'cancelled';

/** A call let through; a trial is the one call a half-open circuit admits. */
export interface Ticket {
  readonly trial: boolean;
}

export interface CircuitBreakerOptions {
  /** Consecutive unavailable calls that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before a trial call is let through. */
  resetAfterMs: number;
  now: () => number;
}

export interface CircuitBreaker {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Milliseconds until an open circuit half-opens; 0 when it is not open. */
  readonly openForMs: number;
  /** A ticket when the call may go to the upstream; else the milliseconds to wait before asking again. */
  admit(): Ticket | { retryAfterMs: number };
  release(ticket: Ticket, outcome: CallOutcome): void;
}

/** While a trial is out, other callers are told to come back in about this long. */
const TRIAL_RETRY_AFTER_MS = 1_000;

/**
 * closed → open after `failureThreshold` consecutive unavailable calls (each upstream attempt is
 * one call) → half-open `resetAfterMs` later, which lets exactly one trial call through at a time:
 * an answer closes the circuit, an unavailable failure opens it again for another `resetAfterMs`.
 */
export function createCircuitBreaker({ failureThreshold, resetAfterMs, now }: CircuitBreakerOptions): CircuitBreaker {
  let state: CircuitState = 'closed';
  let openedAt = 0;
  let failures = 0;
  let trialOut = false;

  const current = (): CircuitState => {
    if (state === 'open' && now() - openedAt >= resetAfterMs) state = 'half_open';
    return state;
  };
  const open = () => {
    state = 'open';
    openedAt = now();
  };

  return {
    get state() {
      return current();
    },
    get consecutiveFailures() {
      return failures;
    },
    get openForMs() {
      return current() === 'open' ? openedAt + resetAfterMs - now() : 0;
    },
    admit() {
      switch (current()) {
        case 'closed':
          return { trial: false };
        case 'open':
          return { retryAfterMs: openedAt + resetAfterMs - now() };
        case 'half_open':
          if (trialOut) return { retryAfterMs: TRIAL_RETRY_AFTER_MS };
          trialOut = true;
          return { trial: true };
      }
    },
    release(ticket, outcome) {
      if (ticket.trial) trialOut = false;
      if (outcome === 'answered') {
        failures = 0;
        state = 'closed';
      } else if (outcome === 'unavailable') {
        failures += 1;
        // A straggler admitted before the circuit opened does not push the reset further away.
        if (ticket.trial || (state === 'closed' && failures >= failureThreshold)) open();
      }
    },
  };
}
