// The LLM judge in the background (docs/llm-judge.md): after a write has been answered, each new
// memory with related candidates is put to the chat model, and its verdicts are applied through
// the semantic store (supersede, note a conflict) with the model's reason recorded on the memory.
// A judge that fails, hangs or answers nonsense changes nothing: the memory stays as written.

import type { Logger } from 'pino';
import { toIso, type Clock } from '../../core/clock.js';
import type { RecordRef, SemanticStore } from '../../core/ports.js';
import type { AuditEntry, Memory } from '../../core/types.js';
import { isCurrent } from '../../core/validity.js';
import type { MemoryWriteOutcome } from '../memories/memory-service.js';
import { createBackgroundQueue } from './judge-worker-queue.js';
import { actionOf, type JudgeAction } from './judge-worker-verdicts.js';
import type { LlmJudge } from './llm-judge.js';

/** Where background work records what it changed (src/audit/audit-log.ts). */
export interface SystemAudit {
  stamp(): { id: string; time: string };
  record(entry: AuditEntry): void;
}

export interface JudgeWorkerOptions {
  judge: LlmJudge;
  /** The stores as services write through them, so that cached answers go stale after a change. */
  store: SemanticStore;
  clock: Clock;
  logger: Logger;
  audit?: SystemAudit;
  /** Questions waiting at most; 1000 unless told. */
  maxQueue?: number;
}

/** Counts since start. */
export interface JudgeWorkerStats {
  /** Questions the model answered. */
  judged: number;
  /** Verdicts applied (unrelated ones apply nothing and are not counted). */
  applied: number;
  /** Questions or verdicts skipped because a memory was gone or no longer current. */
  skipped: number;
  /** Questions the judge failed (timeout, circuit open, an unusable answer) and store calls that failed. */
  failed: number;
  /** Questions pushed out of a full queue, or dropped at shutdown. */
  dropped: number;
}

interface Question {
  namespace: string;
  memoryId: string;
  candidates: Array<{ id: string; similarity?: number | undefined }>;
}

const sameIdentity = (a: Memory, b: Memory) => a.namespace === b.namespace && a.userId === b.userId && a.agentId === b.agentId;

/** The error code (and the failure kind the chat client gives) of a failure: never its message's quoted text. */
function failureOf(error: unknown): { code: string; failure?: string } {
  const { code, details } = error as { code?: unknown; details?: { failure?: unknown; unusableAnswer?: unknown } };
  const failure = details?.failure ?? details?.unusableAnswer;
  return { code: typeof code === 'string' ? code : 'unknown', ...(typeof failure === 'string' ? { failure } : {}) };
}

export function createJudgeWorker({ judge, store, clock, logger, audit, maxQueue = 1000 }: JudgeWorkerOptions) {
  const stats = { judged: 0, applied: 0, skipped: 0, failed: 0 };

  const current = async (ref: RecordRef): Promise<Memory | undefined> => {
    const memory = await store.get(ref);
    return memory !== null && isCurrent(memory) ? memory : undefined;
  };

  const record = (memory: Memory, action: JudgeAction) => {
    if (audit === undefined) return;
    const { id, time } = audit.stamp();
    const ids = action.kind === 'supersede' ? [action.by, ...action.ids] : [action.on, action.other];
    audit.record({
      id,
      time,
      // No API key asked for this: the system marker says memOS did it on its own.
      keyId: 'system',
      action: 'memories.judge',
      method: 'SYSTEM',
      route: 'judge',
      namespace: memory.namespace,
      ...(memory.userId === undefined ? {} : { userId: memory.userId }),
      recordIds: ids,
      recordCount: ids.length,
      outcome: 'ok',
      requestId: `judge-${id}`,
    });
  };

  /** Applies one verdict's change when both memories are still current; whether it did. */
  const apply = async (incoming: Memory, action: JudgeAction): Promise<boolean> => {
    const { namespace } = incoming;
    const otherId = action.kind === 'supersede' ? (action.relation === 'supersedes' ? action.ids[0] : action.by) : action.other;
    const [self, other] = await Promise.all([current({ namespace, id: incoming.id }), current({ namespace, id: otherId })]);
    if (self === undefined || other === undefined || !sameIdentity(self, other)) return false;
    if (action.kind === 'supersede') {
      const done = await store.supersede({ ref: { namespace, id: action.by }, ids: action.ids, reason: action.reason });
      return done !== null;
    }
    const done = await store.noteConflicts({ namespace, id: action.on }, [{ memoryId: action.other, reason: action.reason, source: 'judge', at: toIso(clock.now()) }]);
    return done !== null;
  };

  const ask = async ({ namespace, memoryId, candidates }: Question, signal: AbortSignal): Promise<void> => {
    const incoming = await current({ namespace, id: memoryId });
    if (incoming === undefined) {
      stats.skipped += 1;
      return;
    }
    const found = await Promise.all(candidates.map(async ({ id, similarity }) => ({ memory: await current({ namespace, id }), similarity })));
    const shown = found.flatMap(({ memory, similarity }) => (memory !== undefined && sameIdentity(memory, incoming) ? [{ memory, similarity }] : []));
    if (shown.length === 0) {
      stats.skipped += 1;
      return;
    }
    let verdicts;
    try {
      ({ verdicts } = await judge.judge({
        incoming: { text: incoming.content, kind: incoming.kind },
        candidates: shown.map(({ memory, similarity }) => ({ id: memory.id, text: memory.content, kind: memory.kind, ...(similarity === undefined ? {} : { similarity }) })),
        signal,
      }));
    } catch (error) {
      stats.failed += 1;
      logger.warn({ memoryId, candidates: shown.length, ...failureOf(error) }, 'LLM judge failed; the memory stays as written');
      return;
    }
    stats.judged += 1;
    for (const verdict of verdicts) {
      const action = actionOf(incoming.id, verdict);
      if (action === undefined) continue;
      try {
        if (!(await apply(incoming, action))) {
          stats.skipped += 1;
          logger.debug({ memoryId, candidateId: verdict.candidateId, relation: verdict.relation }, 'LLM judge verdict skipped: a memory is no longer current');
          continue;
        }
      } catch (error) {
        // E_CONFLICT: a write made one of them not current meanwhile; anything else is a store failure.
        const failure = failureOf(error);
        if (failure.code === 'E_CONFLICT') stats.skipped += 1;
        else stats.failed += 1;
        logger.warn({ memoryId, candidateId: verdict.candidateId, relation: verdict.relation, ...failure }, 'LLM judge verdict not applied');
        continue;
      }
      stats.applied += 1;
      record(incoming, action);
      logger.info({ namespace, memoryId, candidateId: verdict.candidateId, relation: verdict.relation }, 'LLM judge verdict applied');
    }
  };

  const queue = createBackgroundQueue<Question>({ name: 'llm judge', maxQueue, logger, run: ask });

  return {
    /**
     * Queues a question for each memory the write created that has related candidates (the
     * memory service's `onWritten`). Returns at once; never throws.
     */
    enqueue(namespace: string, written: MemoryWriteOutcome[]): void {
      for (const { action, memory, related } of written) {
        if (action !== 'created' || memory.validTo !== undefined || related.length === 0) continue;
        // A task's reflection is kept by its slot (truth/reflections.ts), not by the judge.
        if (memory.kind === 'reflection' && memory.key?.startsWith('task:') === true) continue;
        queue.push({ namespace, memoryId: memory.id, candidates: related.map(({ id, similarity }) => ({ id, similarity })) });
      }
    },
    /** Waits until every question queued so far is answered and applied (or given up). */
    drain: () => queue.drain(),
    /** Stops: queued questions are dropped, the one in progress is aborted. */
    close: () => queue.close(),
    stats(): JudgeWorkerStats & { waiting: number } {
      return { ...stats, dropped: queue.dropped, waiting: queue.waiting };
    },
  };
}

export type JudgeWorker = ReturnType<typeof createJudgeWorker>;
