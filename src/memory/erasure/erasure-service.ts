// Verified erasure of a user or a namespace (docs/operations.md "Erasure"):
// 1. the fence goes up in the durable store: from then on, every insert of the subject's episodes
//    or memories fails with E_CONFLICT on every replica, and session writes for it are undone and
//    refused (session-fence.ts);
// 2. delete passes (sessions and outboxes, then the durable tiers) repeat until one removes
//    nothing, so that what a write already past the fence left is erased too;
// 3. cached search and context answers of the namespace go, and the embedding-cache entries of
//    every text erased (their keys computed, for the namespace's and the user's partitions);
// 4. the engines are compacted (no freed page or index segment keeps the text);
// 5. a verification pass looks for the subject in every place, by scope and by the ids removed,
//    and for the cache keys; the receipt says what it found, and ok only when all is clean;
// 6. the receipt is stored (the request's audit entry names its id) and the fence comes down after
//    a grace (a write that arrived during the erasure but inserts later is refused too).

import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import { noteAuditRecords } from '../../core/audit-scope.js';
import { MemosError, notFound } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { Cache, CacheKey, ErasureCounts, ErasureReceipt, ErasureStore, ErasureSubject, SessionErasure } from '../../core/ports.js';
import { embeddingHash } from '../../cache/embedding-cache.js';
import { scopeVersionKey } from '../../cache/scope-versions.js';
import { addCounts, makeReceipt, removedAny } from './receipt.js';

/** Delete passes at most; more means writes keep getting past the fence, and the receipt says what is left. */
const MAX_PASSES = 8;
/** The fence's grace beyond the embedding-on-write timeout: what else a write may spend before its insert. */
export const ERASURE_GRACE_MS = 3000;
/** Rounds of delete, clear, compact and verify at most. */
const MAX_ROUNDS = 3;

export interface ErasureServiceDeps {
  erasure: ErasureStore | undefined;
  sessions: SessionErasure | undefined;
  cache: Cache;
  /** The embedder whose cache entries are keyed by model and dimensions. */
  embedder: { readonly model: string; readonly dimensions: number; readonly maxInputChars?: number | undefined };
  clock: Clock;
  ids: IdGenerator;
  /** How long the fence stays after the receipt: longer than a write takes between its arrival and its insert (the embedding on write). */
  graceMs: number;
}

/** Phases a caller may follow (the CLI's progress). */
export type ErasurePhase = 'fence' | 'delete' | 'caches' | 'compact' | 'verify' | 'receipt';

export function createErasureService({ erasure, sessions, cache, embedder, clock, ids, graceMs }: ErasureServiceDeps) {
  const stores = () => {
    if (erasure === undefined || sessions === undefined) throw new MemosError('E_UNAVAILABLE', 'this storage driver offers no verified erasure');
    return { erasure, sessions };
  };

  /** The embedding-cache keys of `texts`: the namespace's partition, and the user's (a user-bound key's gateway calls). */
  const cacheKeys = (subject: ErasureSubject, texts: Iterable<string>): CacheKey[] => {
    const keys: CacheKey[] = [];
    const limit = embedder.maxInputChars;
    for (const text of texts) {
      const variants = new Set([text]);
      if (limit !== undefined && [...text].length > limit) variants.add([...text].slice(0, limit).join(''));
      for (const variant of variants) {
        for (const userId of subject.userId === undefined ? [undefined] : [undefined, subject.userId]) {
          keys.push({ namespace: subject.namespace, cache: 'embeddings', hash: embeddingHash(embedder.model, embedder.dimensions, variant, userId) });
        }
      }
    }
    return keys;
  };

  /** Cached answers of the namespace still there (its scope version aside), and embedding-cache entries of the erased texts. */
  const leftInCaches = async (subject: ErasureSubject, keys: CacheKey[]): Promise<ErasureCounts> => {
    const scope = { namespace: subject.namespace };
    const [answers, [version]] = await Promise.all([cache.usage({ ...scope, cache: 'responses' }), cache.getMany([scopeVersionKey(subject.namespace)])]);
    return {
      responseCache: answers.entries - (version === undefined ? 0 : 1),
      embeddingCache:
        subject.userId === undefined
          ? (await cache.usage({ ...scope, cache: 'embeddings' })).entries
          : (await cache.getMany(keys)).filter((value) => value !== undefined).length,
    };
  };

  return {
    async erase(subject: ErasureSubject, onPhase?: (phase: ErasurePhase) => void): Promise<ErasureReceipt> {
      const { erasure: store, sessions: short } = stores();
      const receiptId = `era_${ids.next('aud').split('_').pop()}`;
      const startedAt = toIso(clock.now());
      noteAuditRecords([receiptId]);
      onPhase?.('fence');
      await store.fence({ receiptId, subject, at: startedAt });
      try {
        const removed: ErasureCounts = {};
        const texts = new Set<string>();
        const erasedIds = new Set<string>(subject.userId === undefined ? [] : [subject.userId]);
        let found: ErasureCounts = {};
        // A round deletes, clears, compacts and verifies; another follows only when the verification
        // found something (a write that was already past the fence as it went up, a session write
        // undoing itself, an answer computed before the deletes and cached after).
        for (let round = 0; round < MAX_ROUNDS; round++) {
          onPhase?.('delete');
          for (let pass = 0; pass < MAX_PASSES; pass++) {
            const counts: ErasureCounts = {};
            for (const done of [await short.erase(subject), await store.erase(subject)]) {
              addCounts(counts, done.removed);
              for (const text of done.texts) texts.add(text);
              for (const id of done.ids) erasedIds.add(id);
            }
            addCounts(removed, counts);
            if (!removedAny(counts)) break;
          }

          onPhase?.('caches');
          const keys = subject.userId === undefined ? [] : cacheKeys(subject, texts);
          addCounts(removed, {
            responseCache: await cache.clear({ namespace: subject.namespace, cache: 'responses' }),
            embeddingCache:
              subject.userId === undefined || cache.deleteMany === undefined
                ? await cache.clear({ namespace: subject.namespace, cache: 'embeddings' })
                : await cache.deleteMany(keys),
          });

          onPhase?.('compact');
          const ids = [...erasedIds];
          addCounts(removed, await store.compact(subject, ids));

          onPhase?.('verify');
          found = { ...(await short.find(subject)), ...(await store.verify(subject, ids, startedAt)), ...(await leftInCaches(subject, keys)) };
          if (!removedAny(found)) break;
        }
        texts.clear();
        // Places that removed nothing still appear, as 0.
        for (const place of Object.keys(found)) removed[place] ??= 0;

        onPhase?.('receipt');
        const receipt = makeReceipt({ receiptId, subject, startedAt, finishedAt: toIso(clock.now()), removed, found });
        await store.receipts.save(receipt);
        return receipt;
      } finally {
        await store.lift(receiptId, graceMs);
      }
    },

    /** A stored receipt, within the namespace (and the user of a user-bound key); E_NOT_FOUND otherwise. */
    async receipt(ref: { namespace: string; receiptId: string; userId?: string }): Promise<ErasureReceipt> {
      const found = await stores().erasure.receipts.get(ref);
      if (found === null) throw notFound('erasure receipt', ref.receiptId);
      return found;
    },
  };
}

export type ErasureService = ReturnType<typeof createErasureService>;
