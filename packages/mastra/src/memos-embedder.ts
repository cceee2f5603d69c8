import { createHash } from 'node:crypto';
import type { MemosClient } from '@memos/client';
import type { MastraEmbeddingModel } from '@mastra/core/vector';

type EmbeddingModelV3 = Extract<MastraEmbeddingModel<string>, { specificationVersion: 'v3' }>;

/**
 * The texts behind the vectors memOS made, so that a vector Mastra hands back (a query) can be
 * searched as text: memOS searches by text, with its own model. Bounded, oldest forgotten first.
 */
export class VectorTexts {
  readonly #texts = new Map<string, string>();
  readonly #max: number;

  constructor(max = 10_000) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError('remember must be a whole number >= 1');
    this.#max = max;
  }

  static key(vector: readonly number[]): string {
    return createHash('sha256').update(new Uint8Array(Float64Array.from(vector).buffer)).digest('base64');
  }

  remember(vector: readonly number[], text: string): void {
    const key = VectorTexts.key(vector);
    this.#texts.delete(key);
    this.#texts.set(key, text);
    if (this.#texts.size > this.#max) this.#texts.delete(this.#texts.keys().next().value!);
  }

  /** The text `vector` was made from, if this process made or stored it. */
  textOf(vector: readonly number[]): string | undefined {
    return this.#texts.get(VectorTexts.key(vector));
  }
}

/** An AI SDK (v3) embedding model that embeds through memOS and remembers what each vector says. */
export type MemosEmbedder = EmbeddingModelV3 & { readonly texts: VectorTexts };

export interface MemosEmbedderOptions {
  /** How many vectors' texts to remember (default 10,000; Mastra's Memory caches 1,000 embeddings). */
  remember?: number;
}

/**
 * Mastra's `embedder` for semantic recall on memOS: vectors come from memOS's own embedding model
 * (`POST /api/v1/embeddings/batch`, cached there), so that they are the same vectors memOS
 * searches with, and `MemosVector` can turn a query vector back into the text it came from.
 */
export function memosEmbedder(client: MemosClient, options: MemosEmbedderOptions = {}): MemosEmbedder {
  if (client === undefined) throw new TypeError('client is required: a MemosClient');
  const texts = new VectorTexts(options.remember);
  return {
    specificationVersion: 'v3',
    provider: 'memos',
    modelId: 'memos',
    maxEmbeddingsPerCall: 500,
    supportsParallelCalls: true,
    texts,
    async doEmbed({ values, abortSignal }) {
      const answer = await client.embeddings.embedBatch({ texts: values }, abortSignal === undefined ? {} : { signal: abortSignal });
      answer.embeddings.forEach((vector, index) => texts.remember(vector, values[index]!));
      return { embeddings: answer.embeddings, warnings: [] };
    },
  };
}
