// Real sentence vectors for index tests: distinct generated memories embedded with the real
// Model2Vec model (test-model.ts), so that recall is checked on the geometry memOS will see.

import { generateCorpus } from '../../bench/store/corpus.js';
import { createModel2VecProvider } from '../../src/embeddings/model2vec/index.js';
import { MODEL_PATH } from './test-model.js';

export interface RealVectors {
  model: string;
  texts: string[];
  vectors: Float32Array[];
}

/** `count` distinct memories (seeded) and their vectors. */
export async function realVectors(count: number, seed = 42): Promise<RealVectors> {
  const texts = generateCorpus(count, seed).map((memory) => memory.content);
  const provider = createModel2VecProvider({ path: MODEL_PATH, cacheDir: MODEL_PATH });
  await provider.init();
  try {
    return { model: provider.model, texts, vectors: await provider.embed({ texts, purpose: 'document' }) };
  } finally {
    await provider.close();
  }
}
