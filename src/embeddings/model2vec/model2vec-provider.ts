import { basename, resolve } from 'node:path';
import { isMemosError, MemosError } from '../../core/errors.js';
import type { EmbeddingProvider } from '../../core/ports.js';
import { cacheFolderOf, locateModelFiles } from './model-files.js';
import { StaticModel } from './static-model.js';

export interface Model2VecProviderOptions {
  /** An explicit model folder (MEMOS_MODEL2VEC_PATH): must hold model.safetensors and tokenizer.json. */
  path?: string;
  /** Where hub models are kept, one folder per repo; downloads land here. */
  cacheDir: string;
  /** The hub repo used without `path`; `minishlab/potion-base-8M` unless told. */
  repo?: string;
  /** `https://huggingface.co` unless told. */
  hubUrl?: string;
  /** For downloads; the global fetch unless told. */
  fetch?: typeof fetch;
  /** 1024 unless told. */
  maxBatchSize?: number;
}

export const DEFAULT_REPO = 'minishlab/potion-base-8M';
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** Texts embedded between two yields to the event loop, so that a big batch does not stall it. */
const TEXTS_PER_SLICE = 256;
const yieldToEventLoop = () => new Promise<void>((done) => setImmediate(done));

/**
 * The in-process Model2Vec provider: a static embedding table, mean-pooled over WordPiece tokens.
 *
 * `model` is the repo id for a hub model. For an explicit `path` it is the folder's basename
 * (e.g. `potion-base-4M-int8`): known without I/O, so it is the same before and after `init()`,
 * and it does not change when a README is edited. Rename the folder and vectors count as another
 * model's. The constructor does no I/O; `init()` locates (downloading if need be) and loads.
 * Static embeddings are symmetric: `purpose` (query or document) changes nothing.
 */
export function createModel2VecProvider(options: Model2VecProviderOptions): EmbeddingProvider {
  const repo = options.repo ?? DEFAULT_REPO;
  const maxBatchSize = options.maxBatchSize ?? 1024;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new MemosError('E_CONFIG', `model2vec embeddings: maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  if (options.path === undefined) cacheFolderOf(options.cacheDir, repo); // Validates the repo id early.
  const model = options.path === undefined ? repo : basename(resolve(options.path));

  let loaded: StaticModel | null = null;
  let loading: Promise<StaticModel> | null = null;
  /** Bumped by close(), so that a load that finishes after it is dropped. */
  let generation = 0;

  const load = async (): Promise<StaticModel> => {
    try {
      const folder = await locateModelFiles({
        ...(options.path === undefined ? {} : { path: options.path }),
        cacheDir: options.cacheDir,
        repo,
        hubUrl: options.hubUrl ?? DEFAULT_HUB_URL,
        fetch: options.fetch ?? globalThis.fetch,
      });
      return await StaticModel.load(folder);
    } catch (error) {
      if (isMemosError(error)) throw error;
      throw new MemosError('E_EMBEDDING_PROVIDER', `model2vec: loading '${model}' failed`, {
        details: { retryable: false },
        cause: error,
      });
    }
  };

  return {
    provider: 'model2vec',
    model,
    get dimensions() {
      return loaded?.dims ?? 0;
    },
    /** The model reads at most `512 × median token length` characters of a text (see static-model.ts). */
    get maxInputChars() {
      return loaded?.maxChars;
    },
    maxBatchSize,
    async init() {
      if (loaded) return;
      const started = generation;
      // Concurrent init() calls share one load; a failed load can be tried again.
      loading ??= load().finally(() => {
        loading = null;
      });
      const result = await loading;
      if (started === generation) loaded = result;
    },
    async close() {
      generation++;
      loaded = null;
    },
    async embed({ texts, signal }) {
      signal?.throwIfAborted();
      const current = loaded;
      if (!current) {
        throw new MemosError('E_EMBEDDING_PROVIDER', `model2vec: '${model}' is not loaded (init() not called, or closed)`, {
          details: { retryable: false },
        });
      }
      const vectors: Float32Array[] = new Array(texts.length);
      for (let i = 0; i < texts.length; i++) {
        if (i > 0 && i % TEXTS_PER_SLICE === 0) {
          await yieldToEventLoop();
          signal?.throwIfAborted();
        }
        vectors[i] = current.embed(texts[i]!);
      }
      return vectors;
    },
  };
}
