// A loaded Model2Vec model: tokenizer, float matrix and config, and `embed()` as model2vec's
// `StaticModel.encode` computes it (model2vec/model.py):
// 1. the text is cut to `512 × median token length` characters (code points), as `tokenize` does
//    for the default `max_length=512`;
// 2. it is tokenized without special tokens, [UNK] ids are dropped, the first 512 ids are kept;
// 3. each id's row (through `mapping`, times `weights[id]`, when the file has them) is averaged;
// 4. with `normalize`, the mean is divided by (its L2 norm + 1e-32).
// A text left with no tokens (empty, or only unknown characters) is the zero vector, as in
// model2vec (`np.zeros(self.dim)`, which normalisation leaves at zero).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemosError } from '../../core/errors.js';
import { firstChars } from '../../core/text.js';
import { CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE } from './model-files.js';
import { parseSafetensors } from './safetensors.js';
import { loadStaticEmbeddings, type StaticEmbeddings } from './static-embeddings.js';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

/** model2vec's default `max_length` for `encode`, in tokens. */
export const MAX_TOKENS = 512;

async function read(folder: string, file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(folder, file));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new MemosError('E_EMBEDDING_PROVIDER', `model2vec: cannot read ${join(folder, file)}`, {
      details: { retryable: false },
      cause: error,
    });
  }
}

function parseJson(bytes: Buffer, file: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MemosError('E_CONFIG', `${file}: not valid JSON`);
  }
}

/** Python's `int(np.median([len(token) for token in tokens]))`, lengths in code points. */
function medianTokenLength(tokens: Iterable<string>): number {
  const lengths = Array.from(tokens, (token) => [...token].length).sort((a, b) => a - b);
  const middle = lengths.length >> 1;
  const median = lengths.length % 2 === 1 ? lengths[middle]! : (lengths[middle - 1]! + lengths[middle]!) / 2;
  return Math.trunc(median);
}

export class StaticModel {
  readonly dims: number;
  private readonly accumulator: Float64Array;
  /** Characters of a text that are tokenized; the rest never reaches the vector. */
  readonly maxChars: number;

  private constructor(
    readonly tokenizer: WordPieceTokenizer,
    private readonly table: StaticEmbeddings,
    readonly normalize: boolean,
  ) {
    this.dims = table.dims;
    this.accumulator = new Float64Array(table.dims);
    this.maxChars = MAX_TOKENS * medianTokenLength(tokenizer.vocab.keys());
  }

  /**
   * Loads a model folder (model.safetensors, tokenizer.json, optional config.json). Malformed
   * files are E_CONFIG; unreadable ones E_EMBEDDING_PROVIDER. `normalize` follows config.json;
   * without one it is true (model2vec would say false), since memOS compares unit vectors.
   */
  static async load(folder: string): Promise<StaticModel> {
    const [tokenizerBytes, modelBytes, configBytes] = await Promise.all([
      read(folder, TOKENIZER_FILE),
      read(folder, MODEL_FILE),
      read(folder, CONFIG_FILE),
    ]);
    for (const [bytes, file] of [[tokenizerBytes, TOKENIZER_FILE], [modelBytes, MODEL_FILE]] as const) {
      if (!bytes) throw new MemosError('E_CONFIG', `model2vec: the model folder ${folder} has no ${file}`);
    }
    const tokenizerPath = join(folder, TOKENIZER_FILE);
    const tokenizer = new WordPieceTokenizer(parseJson(tokenizerBytes!, tokenizerPath), tokenizerPath);
    const modelPath = join(folder, MODEL_FILE);
    const { tensors } = parseSafetensors(modelBytes!, modelPath);
    const vocabSize = tokenizer.vocab.size;
    const table = loadStaticEmbeddings(tensors, vocabSize, modelPath);
    let maxId = 0;
    for (const id of tokenizer.vocab.values()) maxId = Math.max(maxId, id);
    if (maxId >= vocabSize) {
      throw new MemosError('E_CONFIG', `${tokenizerPath}: token id ${maxId} is past the ${vocabSize} embedding entries`);
    }
    let normalize = true;
    if (configBytes) {
      const configPath = join(folder, CONFIG_FILE);
      const config = parseJson(configBytes, configPath) as { normalize?: unknown } | null;
      if (typeof config?.normalize === 'boolean') normalize = config.normalize;
    }
    return new StaticModel(tokenizer, table, normalize);
  }

  /** The token ids a text is pooled from: [UNK] dropped, at most MAX_TOKENS. */
  tokenIds(text: string): number[] {
    const ids = this.tokenizer.encode(firstChars(text, this.maxChars));
    const unk = this.tokenizer.unkId;
    const kept: number[] = [];
    for (const id of ids) {
      if (id === unk) continue;
      kept.push(id);
      if (kept.length === MAX_TOKENS) break;
    }
    return kept;
  }

  embed(text: string): Float32Array {
    const ids = this.tokenIds(text);
    const { dims, accumulator: sum } = this;
    const { matrix, weights, mapping } = this.table;
    const out = new Float32Array(dims);
    if (ids.length === 0) return out;
    sum.fill(0);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const base = (mapping === null ? id : mapping[id]!) * dims;
      const weight = weights === null ? 1 : weights[id]!;
      // Unrolled by four: about twice as fast in V8, which does not vectorise.
      let d = 0;
      for (; d + 3 < dims; d += 4) {
        sum[d]! += matrix[base + d]! * weight;
        sum[d + 1]! += matrix[base + d + 1]! * weight;
        sum[d + 2]! += matrix[base + d + 2]! * weight;
        sum[d + 3]! += matrix[base + d + 3]! * weight;
      }
      for (; d < dims; d++) sum[d]! += matrix[base + d]! * weight;
    }
    const count = ids.length;
    let squares = 0;
    for (let d = 0; d < dims; d++) {
      const mean = sum[d]! / count;
      sum[d] = mean;
      squares += mean * mean;
    }
    const divisor = this.normalize ? Math.sqrt(squares) + 1e-32 : 1;
    for (let d = 0; d < dims; d++) out[d] = sum[d]! / divisor;
    return out;
  }
}
