// The background-job port (core/ports.ts `Jobs`): rounds run in this process, and the batches of
// each round are claimed through the storage's shared leases when it has them (PostgreSQL, one
// owner per batch across replicas), else through leases kept in this process (embedded mode).

import type { Clock } from '../core/clock.js';
import type { BatchClaims, Jobs, VectorStore } from '../core/ports.js';
import { createInProcessClaims } from './in-process-claims.js';
import { runRecurring } from './recurring.js';

export { createInProcessClaims } from './in-process-claims.js';
export { runRecurring } from './recurring.js';

export interface JobsOptions {
  /** The storage's shared claims, when it has them. */
  claims?: BatchClaims | undefined;
  /** What in-process claims list pending records from. */
  vectors: Pick<VectorStore, 'pending'>;
  clock: Clock;
}

export function createJobs({ claims, vectors, clock }: JobsOptions): Jobs {
  const shared = claims ?? createInProcessClaims({ vectors, clock });
  return {
    backend: shared.backend,
    claimEmbeddings: (claim) => shared.claimEmbeddings(claim),
    release: (records) => shared.release(records),
    schedule: runRecurring,
  };
}
