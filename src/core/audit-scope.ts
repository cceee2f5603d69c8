// The audit entry of the request in progress, carried through its async work (AsyncLocalStorage),
// so that a store adapter can write it inside the request's first write transaction (see
// AuditStore in ports.ts) without any layer in between passing it along. No I/O here.

import { AsyncLocalStorage } from 'node:async_hooks';
import { AUDIT_MAX_RECORD_IDS, type AuditEntry, type AuditOutcome } from './types.js';

/** An entry before its outcome is known. */
export type AuditBase = Omit<AuditEntry, 'outcome' | 'status' | 'recordCount'>;

/**
 * What one write transaction does with the entry of its request. Last inside the transaction, the
 * adapter calls `stage` and inserts the entry it returns, or calls `unstage` when it inserts none
 * (the transaction changed nothing); `settle` follows once the transaction has ended.
 */
export interface AuditJoin {
  /** The entry to insert now, or undefined when another transaction has it (or has written it). */
  stage(): AuditEntry | undefined;
  /** The staged entry was not inserted: it stays for a later transaction, or for the answer. */
  unstage(): void;
  settle(committed: boolean): void;
}

/**
 * The entry of one request while it runs. `open` until a transaction stages it; `staged` while
 * that transaction is in flight (back to `open` if it rolls back); `written` once it committed;
 * `closed` when the request has answered without it being written, so that no later transaction
 * (background work the request started) takes it.
 */
export class AuditDraft {
  readonly #base: AuditBase;
  #state: 'open' | 'staged' | 'written' | 'closed' = 'open';
  /** Ids of the records the request's transactions wrote (see noteAuditRecords). */
  readonly #written: string[] = [];
  #settled: Promise<void> = Promise.resolve();

  constructor(base: AuditBase) {
    this.#base = base;
  }

  /** True once the entry is committed. */
  get written(): boolean {
    return this.#state === 'written';
  }

  noteRecords(ids: readonly string[]): void {
    this.#written.push(...ids);
  }

  /** The entry, as it ended. */
  entry(outcome: AuditOutcome, status?: number): AuditEntry {
    const ids = [...new Set([...(this.#base.recordIds ?? []), ...this.#written])];
    const count = new Set(this.#written).size;
    return {
      ...this.#base,
      ...(ids.length === 0 ? {} : { recordIds: ids.slice(0, AUDIT_MAX_RECORD_IDS) }),
      ...(count === 0 ? {} : { recordCount: count }),
      outcome,
      ...(status === undefined ? {} : { status }),
    };
  }

  /** A write transaction starting in this request; undefined when the entry needs no writing (written, staged, or answered). */
  join(): AuditJoin | undefined {
    if (this.#state !== 'open') return undefined;
    // Ids noted by a transaction that rolls back name records that were never written.
    const mark = this.#written.length;
    let staged = false;
    let done: () => void = () => undefined;
    const release = (state: 'open' | 'written') => {
      staged = false;
      this.#state = state;
      done();
    };
    return {
      stage: () => {
        if (this.#state !== 'open') return undefined;
        this.#state = 'staged';
        staged = true;
        this.#settled = new Promise((resolve) => (done = resolve));
        return this.entry('ok');
      },
      unstage: () => {
        if (staged) release('open');
      },
      settle: (committed) => {
        if (!committed) this.#written.length = Math.min(this.#written.length, mark);
        if (staged) release(committed ? 'written' : 'open');
      },
    };
  }

  /**
   * The request has answered: waits for a transaction that staged the entry to settle, then says
   * whether the entry is written. When it is not, no transaction may take it from now on.
   */
  async close(): Promise<boolean> {
    while (this.#state === 'staged') await this.#settled;
    if (this.#state === 'written') return true;
    this.#state = 'closed';
    return false;
  }
}

const scope = new AsyncLocalStorage<AuditDraft>();

/** Runs `fn` (a request's handler) with `draft` as the entry its write transactions carry. */
export function runInAuditScope<T>(draft: AuditDraft, fn: () => T): T {
  return scope.run(draft, fn);
}

/** The join of a write transaction starting now, when it runs for a request whose entry is not written yet. */
export function joinAudit(): AuditJoin | undefined {
  return scope.getStore()?.join();
}

/** Called by a store inside a write transaction: the ids of the records it wrote, for the request's entry. */
export function noteAuditRecords(ids: readonly string[]): void {
  scope.getStore()?.noteRecords(ids);
}

/** Runs `fn` outside any request's scope: background work a request starts must not carry its entry. */
export function outsideAuditScope<T>(fn: () => T): T {
  return scope.exit(fn);
}
