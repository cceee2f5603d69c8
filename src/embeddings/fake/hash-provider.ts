import type { EmbeddingProvider, EmbedPurpose } from '../../core/ports.js';
import { MemosError } from '../../core/errors.js';

export interface HashProviderOptions {
  /** Vector length; 64 unless told. */
  dimensions?: number;
  /** The model id vectors are stored under; `hash-{dimensions}` unless told. */
  model?: string;
  maxBatchSize?: number;
  /** Declared as the provider's input limit; texts are hashed whole whatever it says. */
  maxInputChars?: number;
}

/** A real (if crude) embedder that needs nothing: for tests and `--dry-run`. */
export interface HashProvider extends EmbeddingProvider {
  /** How many times `embed()` was called with at least one text. */
  readonly calls: number;
  /** How many texts reached the provider, over all calls. */
  readonly textsSeen: number;
  /** The vector of one text, without counting it as a call. */
  vector(text: string): Float32Array;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Feature hashing of lower-cased word tokens: each word adds ±1 to one of `dimensions` buckets
 * (the bucket from the low bits of its hash, the sign from the top bit), and the sum is
 * L2-normalised. Texts that share words therefore have a higher cosine than texts that do not.
 * A text without words maps to the first axis, so that every vector has unit length.
 */
export function hashEmbedding(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash >>> 31 === 1 ? -1 : 1;
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i]! *= scale;
  return vector;
}

export function createHashProvider(options: HashProviderOptions = {}): HashProvider {
  const dimensions = options.dimensions ?? 64;
  const maxBatchSize = options.maxBatchSize ?? 256;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new MemosError('E_CONFIG', `fake embedder: dimensions must be a positive integer, got ${dimensions}`);
  }
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new MemosError('E_CONFIG', `fake embedder: maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  let calls = 0;
  let textsSeen = 0;

  return {
    provider: 'fake',
    model: options.model ?? `hash-${dimensions}`,
    dimensions,
    maxBatchSize,
    maxInputChars: options.maxInputChars,
    get calls() {
      return calls;
    },
    get textsSeen() {
      return textsSeen;
    },
    vector: (text) => hashEmbedding(text, dimensions),
    async init() {},
    async close() {},
    async embed(request: { texts: string[]; purpose: EmbedPurpose; signal?: AbortSignal }) {
      request.signal?.throwIfAborted();
      if (request.texts.length === 0) return [];
      calls += 1;
      textsSeen += request.texts.length;
      return request.texts.map((text) => hashEmbedding(text, dimensions));
    },
  };
}
