// Test helpers: a tiny Model2Vec model written to a temp folder (safetensors with known rows, and
// a minimal BERT tokenizer.json), a safetensors writer, and where the real test model lives.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tiny vocabulary; a token's id is its index. */
export const TINY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', 'hello', 'world', '##s', 'cat', 'run', '##ning', ',', '.',
  'cafe', '!', 'un', '##believ', '##able', '中', 'σ', '##σ', 's', 'a', '𠀀',
] as const;

export const id = (token: (typeof TINY_VOCAB)[number]) => TINY_VOCAB.indexOf(token);

/** One 4-dimensional row per token: small integers, exact in I8, F16 and F32. */
export const TINY_ROWS: number[][] = TINY_VOCAB.map((_, i) => [(i % 3) - 1, (i % 5) - 2, i % 2, 1]);
Object.assign(TINY_ROWS, {
  [id('hello')]: [1, 2, 0, 0],
  [id('world')]: [3, 0, 4, 0],
  [id(',')]: [0, -2, 0, 0],
  [id('cat')]: [0, 0, 3, 0],
  [id('##s')]: [0, 0, 0, 4],
});

export type TestDtype = 'F32' | 'F16' | 'I8' | 'BF16';

export interface TestTensor {
  dtype: TestDtype | 'I64';
  shape: number[];
  bytes: Uint8Array;
}

/** Encodes `values` in a dtype; F16 and BF16 only for values they hold exactly. */
export function tensorBytes(dtype: TestTensor['dtype'], values: number[]): Uint8Array {
  const width = { F32: 4, F16: 2, BF16: 2, I8: 1, I64: 8 }[dtype];
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((value, i) => {
    if (dtype === 'F32') view.setFloat32(i * 4, value, true);
    else if (dtype === 'I8') view.setInt8(i, value);
    else if (dtype === 'I64') view.setBigInt64(i * 8, BigInt(value), true);
    else if (dtype === 'BF16') {
      const f32 = new DataView(new ArrayBuffer(4));
      f32.setFloat32(0, value);
      view.setUint16(i * 2, f32.getUint16(0), true);
    } else view.setUint16(i * 2, toHalf(value), true);
  });
  return new Uint8Array(view.buffer);
}

/** number → binary16 bits, for the normal and zero values the tests use. */
function toHalf(value: number): number {
  if (value === 0) return Object.is(value, -0) ? 0x8000 : 0;
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log2(magnitude));
  const fraction = Math.round((magnitude / 2 ** exponent - 1) * 1024);
  if (fraction >= 1024 || exponent < -14 || exponent > 15) throw new Error(`${value} is not a simple half`);
  return sign | ((exponent + 15) << 10) | fraction;
}

/** A safetensors file from named tensors, laid out in order; `header` overrides entries. */
export function safetensorsFile(tensors: Record<string, TestTensor>, header: Record<string, unknown> = {}): Buffer {
  const entries: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    entries[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.bytes.length] };
    parts.push(tensor.bytes);
    offset += tensor.bytes.length;
  }
  const json = Buffer.from(JSON.stringify({ __metadata__: { format: 'pt' }, ...entries, ...header }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...parts]);
}

/** A BERT tokenizer.json over TINY_VOCAB (overridable parts for error tests). */
export function tinyTokenizerJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((content, i) => ({
    id: i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((token, i) => [token, i])),
    },
    ...overrides,
  };
}

export interface TinyModelOptions {
  dtype?: TestDtype;
  /** Multiplies every row (F32 only), to show that normalisation cancels a global scale. */
  scale?: number;
  /** Adds a `weights` tensor (F32, one per token). */
  weights?: number[];
  tokenizer?: Record<string, unknown>;
  config?: Record<string, unknown> | null;
}

/** Writes model.safetensors, tokenizer.json and config.json into `folder` (created). */
export function writeTinyModel(folder: string, options: TinyModelOptions = {}): string {
  mkdirSync(folder, { recursive: true });
  const dtype = options.dtype ?? 'F32';
  const values = TINY_ROWS.flat().map((value) => value * (options.scale ?? 1));
  const tensors: Record<string, TestTensor> = {
    embeddings: { dtype, shape: [TINY_ROWS.length, 4], bytes: tensorBytes(dtype, values) },
  };
  if (options.weights) tensors.weights = { dtype: 'F32', shape: [options.weights.length], bytes: tensorBytes('F32', options.weights) };
  writeFileSync(join(folder, 'model.safetensors'), safetensorsFile(tensors));
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(options.tokenizer ?? tinyTokenizerJson()));
  const config = options.config === undefined ? { model_type: 'model2vec', hidden_dim: 4, normalize: true } : options.config;
  if (config !== null) writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

/** The real potion-base-4M-int8 test model, and whether tests may skip when it is absent. */
export function realModel(): { path: string; available: boolean; required: boolean } {
  const path =
    process.env.MEMOS_MODEL2VEC_PATH ?? fileURLToPath(new URL('../../../../shared/models/potion-base-4M-int8', import.meta.url));
  const available = existsSync(join(path, 'model.safetensors')) && existsSync(join(path, 'tokenizer.json'));
  return { path, available, required: process.env.MEMOS_REQUIRE_SERVICES === '1' };
}

/** Where the LoCoMo dev set is expected (it may be absent). */
export function locomoTurnsPath(): string {
  return fileURLToPath(new URL('../../../../shared/eval/locomo-dev.json', import.meta.url));
}
