// Model2Vec straight through the provider's public surface (createModel2VecProvider): load time,
// then sentences per second over the LoCoMo turns at a few batch sizes, on this one thread.

import { tmpdir } from 'node:os';
import type { EmbeddingProvider } from '../../src/core/ports.js';
import { createModel2VecProvider } from '../../src/embeddings/model2vec/index.js';
import { median, summarize, type Summary } from '../stats.js';
import { chunk } from './corpus.js';

export interface LoadTimes {
  /** The first load in this process (files probably in the OS page cache already). */
  firstMs: number;
  /** Later loads of the same folder, each a new provider. */
  againMs: number[];
  dimensions: number;
  model: string;
}

export interface ThroughputRow {
  batchSize: number;
  sentences: number;
  repetitions: number;
  /** Wall time of one repetition (all sentences once). */
  repMs: Summary;
  /** Sentences per second at the median repetition time, and at the p95 (slow) one. */
  perSecMedian: number;
  perSecP95: number;
  /** One `embed()` call of `batchSize` texts. */
  batchMs: Summary;
  /** Microseconds per sentence at the median repetition. */
  usPerSentence: number;
}

const newProvider = (path: string) => createModel2VecProvider({ path, cacheDir: tmpdir() });

export async function measureLoad(path: string, again: number): Promise<{ provider: EmbeddingProvider; load: LoadTimes }> {
  const time = async (provider: EmbeddingProvider): Promise<number> => {
    const start = performance.now();
    await provider.init();
    return performance.now() - start;
  };
  const provider = newProvider(path);
  const firstMs = await time(provider);
  const againMs: number[] = [];
  for (let i = 0; i < again; i++) {
    const other = newProvider(path);
    againMs.push(await time(other));
    await other.close();
  }
  return { provider, load: { firstMs, againMs, dimensions: provider.dimensions, model: provider.model } };
}

async function embedAll(provider: EmbeddingProvider, batches: readonly string[][], batchMs: number[]): Promise<number> {
  const start = performance.now();
  for (const texts of batches) {
    const begin = performance.now();
    const vectors = await provider.embed({ texts, purpose: 'document' });
    batchMs.push(performance.now() - begin);
    if (vectors.length !== texts.length) throw new Error(`model2vec answered ${vectors.length} vectors for ${texts.length} texts`);
  }
  return performance.now() - start;
}

/** One untimed pass over `texts` at each batch size, so that V8 has optimised the hot loops. */
export async function warmUp(provider: EmbeddingProvider, texts: readonly string[], batchSizes: readonly number[]): Promise<void> {
  for (const size of batchSizes) await embedAll(provider, chunk(texts, size), []);
}

/** `repetitions` timed passes over all of `sentences`, in batches of `batchSize`, one call at a time. */
export async function throughput(
  provider: EmbeddingProvider,
  sentences: readonly string[],
  batchSize: number,
  repetitions: number,
): Promise<ThroughputRow> {
  const batches = chunk(sentences, batchSize);
  const repMs: number[] = [];
  const batchMs: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) repMs.push(await embedAll(provider, batches, batchMs));
  const reps = summarize(repMs);
  return {
    batchSize,
    sentences: sentences.length,
    repetitions,
    repMs: reps,
    perSecMedian: (sentences.length / reps.p50) * 1000,
    perSecP95: (sentences.length / reps.p95) * 1000,
    batchMs: summarize(batchMs),
    usPerSentence: (median(repMs) * 1000) / sentences.length,
  };
}
