// The token embedding table of a Model2Vec model, turned once into a float matrix.
//
// What model2vec (MinishLab/model2vec, `persistence.load_pretrained` and `StaticModel`) stores in
// model.safetensors, and what it does with it:
// - `embeddings`: [rows, dims], F32, F16 or I8. Rows are used as stored: `StaticModel` indexes the
//   array and takes `mean(axis=0)`, so an I8 table is averaged as plain integers. model2vec's int8
//   quantisation (`quantize_embeddings`) divides the whole table by one global scale,
//   max|x| / 127, and stores no scale at all: the L2 normalisation (`normalize: true` in every
//   potion config) cancels it. So dequantising is a plain int8 → float cast; there is nothing else
//   to undo. potion-base-4M-int8 holds exactly one tensor: `embeddings`, I8 [29528, 128].
// - `weights` (optional, newer models): one float per token id; each token's row is multiplied by
//   its weight before the mean (`emb * weights[id_list][:, None]`).
// - `mapping` (optional, vocabulary-quantised models): token id → row; then `rows` may be fewer
//   than the vocabulary. Weights are indexed by token id, rows by the mapped id.

import { MemosError } from '../../core/errors.js';
import type { Tensor } from './safetensors.js';

export interface StaticEmbeddings {
  rows: number;
  dims: number;
  /** rows × dims, row-major. */
  matrix: Float32Array;
  /** Per token id, or null. */
  weights: Float32Array | null;
  /** Token id → row, or null (the identity). */
  mapping: Int32Array | null;
}

function toFloat32(tensor: Tensor): Float32Array {
  const { data } = tensor;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (value) => Number(value));
  // Int8 → float is exact; this is the whole of the int8 dequantisation (see above).
  return Float32Array.from(data);
}

function toRowIndex(tensor: Tensor, rows: number, fail: (problem: string) => never): Int32Array {
  const { data } = tensor;
  if (data instanceof Float32Array || data instanceof Float64Array) fail(`'mapping' has dtype ${tensor.dtype}, expected integers`);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const row = Number(data[i]!);
    if (!Number.isInteger(row) || row < 0 || row >= rows) fail(`'mapping' sends token ${i} to row ${row}, outside [0, ${rows})`);
    out[i] = row;
  }
  return out;
}

/**
 * Reads the tensors of a Model2Vec model.safetensors for a tokenizer of `vocabSize` ids.
 * `file` names the file in error messages (E_CONFIG).
 */
export function loadStaticEmbeddings(tensors: Map<string, Tensor>, vocabSize: number, file: string): StaticEmbeddings {
  const fail = (problem: string): never => {
    throw new MemosError('E_CONFIG', `${file}: ${problem}`);
  };
  const embeddings = tensors.get('embeddings');
  if (!embeddings) fail(`no 'embeddings' tensor (found: ${[...tensors.keys()].join(', ') || 'none'})`);
  const { shape } = embeddings!;
  if (shape.length !== 2 || shape[0]! < 1 || shape[1]! < 1) fail(`'embeddings' has shape [${shape.join(', ')}], expected [rows, dims]`);
  const [rows, dims] = shape as [number, number];

  let mapping: Int32Array | null = null;
  const mappingTensor = tensors.get('mapping');
  if (mappingTensor) {
    mapping = toRowIndex(mappingTensor, rows, fail);
    if (mapping.length !== vocabSize) fail(`'mapping' has ${mapping.length} entries for ${vocabSize} tokens`);
  } else if (rows !== vocabSize) {
    // model2vec refuses this too: every token id must have its row.
    fail(`'embeddings' has ${rows} rows, but the tokenizer has ${vocabSize} tokens`);
  }

  let weights: Float32Array | null = null;
  const weightsTensor = tensors.get('weights');
  if (weightsTensor) {
    const floats = weightsTensor.data instanceof Float32Array || weightsTensor.data instanceof Float64Array;
    const size = weightsTensor.shape.reduce((product, n) => product * n, 1);
    if (!floats || size !== vocabSize || weightsTensor.shape.filter((n) => n !== 1).length > 1) {
      fail(`'weights' must be ${vocabSize} floats, got ${weightsTensor.dtype} [${weightsTensor.shape.join(', ')}]`);
    }
    weights = toFloat32(weightsTensor);
  }

  const matrix = toFloat32(embeddings!);
  if (!matrix.every(Number.isFinite)) fail(`'embeddings' holds values that are not finite`);
  return { rows, dims, matrix, weights, mapping };
}
