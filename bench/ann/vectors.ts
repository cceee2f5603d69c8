// The vectors of the ANN benchmark: LoCoMo dev turns embedded with memOS's own Model2Vec provider,
// kept distinct. There are fewer distinct turns than records wanted, so beyond them each record is
// two turns joined (a seeded pair, never repeated); the queries are the dev split's questions.

import { mulberry32 } from '../store/corpus.js';
import { loadTurns, locateInputs } from '../embeddings/corpus.js';
import { loadConversations } from '../locomo/dataset.js';
import { createModel2VecProvider } from '../../src/embeddings/model2vec/index.js';

export interface BenchVectors {
  model: string;
  dimensions: number;
  records: Float32Array[];
  queries: Float32Array[];
  /** Distinct turns behind the records (the rest are pairs of them). */
  turns: number;
}

/** `count` distinct record texts: every turn once, then seeded pairs of turns. */
export function recordTexts(turns: readonly string[], count: number, seed = 7): string[] {
  const texts = turns.slice(0, count);
  const seen = new Set(texts);
  const rng = mulberry32(seed);
  while (texts.length < count) {
    const text = `${turns[Math.floor(rng() * turns.length)]} ${turns[Math.floor(rng() * turns.length)]}`;
    if (seen.has(text)) continue;
    seen.add(text);
    texts.push(text);
  }
  return texts;
}

export async function benchVectors(count: number, queryCount: number): Promise<BenchVectors> {
  const { modelPath, corpusPath } = locateInputs();
  const { texts } = loadTurns(corpusPath, 13);
  const questions = loadConversations(corpusPath).flatMap((conversation) => conversation.questions.map((q) => q.question));
  const provider = createModel2VecProvider({ path: modelPath, cacheDir: modelPath });
  await provider.init();
  const embed = async (batch: string[]) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < batch.length; i += 1024) out.push(...(await provider.embed({ texts: batch.slice(i, i + 1024), purpose: 'document' })));
    return out;
  };
  const records = await embed(recordTexts(texts, count));
  const queries = await embed(questions.slice(0, queryCount));
  await provider.close();
  return { model: provider.model, dimensions: records[0]!.length, records, queries, turns: Math.min(texts.length, count) };
}
