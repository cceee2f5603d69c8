// Export and import of a namespace (docs/export-format.md): the service the routes, the CLI (through
// the routes) and a logical backup call. Export is an async generator of lines; import reads a
// stream of lines and writes it in atomic batches (import-batches.ts).

import { toIso, type Clock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { SessionListQuery, SessionPage, SessionRestore, TransferStore } from '../../core/ports.js';
import type { VectorWrite } from '../../core/types.js';
import type { EmbeddingStatus } from '../../embeddings/embedding-runtime.js';
import { exportLines, type ExportRequest } from './export-stream.js';
import { importStream, type ImportRequest, type ImportSummary } from './import-batches.js';

export interface TransferServiceDeps {
  /** The storage's transfer port; undefined on a driver without one (every call is then refused). */
  transfer: TransferStore | undefined;
  sessions: { list(query: SessionListQuery): Promise<SessionPage> };
  restore: SessionRestore | undefined;
  vectors: { put(writes: VectorWrite[]): Promise<number> };
  embedderStatus: () => EmbeddingStatus;
  bump(namespace: string): Promise<void>;
  nudgeBackfill(): void;
  clock: Clock;
  memosVersion: string;
  /** Longest line an import accepts, in bytes. */
  maxLineBytes: number;
  batchSize?: number;
}

export function createTransferService(deps: TransferServiceDeps) {
  const store = (): TransferStore => {
    if (deps.transfer === undefined) throw new MemosError('E_INTERNAL', 'this storage driver offers no export or import');
    return deps.transfer;
  };
  return {
    /** Every line of the export of `request`, each ending in a newline. */
    exportLines(request: ExportRequest): AsyncGenerator<string> {
      const transfer = store();
      return exportLines(
        {
          transfer,
          sessions: deps.sessions,
          embedder: () => {
            const { provider, model, dimensions } = deps.embedderStatus();
            return provider === undefined || model === undefined ? null : { provider, model, dimensions: dimensions ?? 0 };
          },
          memosVersion: deps.memosVersion,
          now: () => toIso(deps.clock.now()),
        },
        request,
      );
    },

    /** Imports an export stream into `request.namespace`; see import-batches.ts for what a failure leaves. */
    import(request: ImportRequest): Promise<ImportSummary> {
      return importStream(
        {
          transfer: store(),
          ...(deps.restore === undefined ? {} : { sessions: deps.restore }),
          vectors: deps.vectors,
          embedder: () => {
            const { state, model, dimensions } = deps.embedderStatus();
            return state === 'ready' && model !== undefined && dimensions !== undefined && dimensions > 0 ? { model, dimensions } : undefined;
          },
          bump: deps.bump,
          nudge: deps.nudgeBackfill,
          now: () => deps.clock.now(),
          maxLineBytes: deps.maxLineBytes,
          ...(deps.batchSize === undefined ? {} : { batchSize: deps.batchSize }),
        },
        request,
      );
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
