// A reader for the safetensors format: an 8-byte little-endian header length, a JSON header
// `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then the tensor bytes.
// Offsets are relative to the first byte after the header. Every problem is an E_CONFIG error
// that names the file, since a malformed model folder is a configuration problem.

import { endianness } from 'node:os';
import { MemosError } from '../../core/errors.js';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8';

/** F16 and BF16 are widened to Float32Array, exactly (every half and bfloat16 value is a float32). */
export type TensorData = Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface Tensor {
  /** The dtype stored in the file (F16 and BF16 data arrive as Float32Array). */
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1 };

/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = endianness() === 'LE';

/** IEEE 754 binary16 → number, exactly: subnormals, signed zeros, infinities and NaN included. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** Copies `bytes` into an aligned buffer, in native byte order, for a typed-array view. */
function aligned(bytes: Uint8Array, width: number): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (!LITTLE_ENDIAN && width > 1) {
    for (let at = 0; at < copy.length; at += width) copy.subarray(at, at + width).reverse();
  }
  return copy.buffer;
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array): TensorData {
  switch (dtype) {
    case 'F64':
      return new Float64Array(aligned(bytes, 8));
    case 'F32':
      return new Float32Array(aligned(bytes, 4));
    case 'F16': {
      const halves = new Uint16Array(aligned(bytes, 2));
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]!);
      return out;
    }
    case 'BF16': {
      // A bfloat16 is the top half of a float32.
      const halves = new Uint16Array(aligned(bytes, 2));
      const words = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) words[i] = halves[i]! << 16;
      return new Float32Array(words.buffer);
    }
    case 'I64':
      return new BigInt64Array(aligned(bytes, 8));
    case 'I32':
      return new Int32Array(aligned(bytes, 4));
    case 'I16':
      return new Int16Array(aligned(bytes, 2));
    case 'I8':
      return new Int8Array(aligned(bytes, 1));
    case 'U8':
      return new Uint8Array(aligned(bytes, 1));
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function readEntry(name: string, raw: unknown, dataBytes: number, fail: (problem: string) => never): Entry {
  if (typeof raw !== 'object' || raw === null) fail(`tensor '${name}' is not described by an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype)) {
    fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}, which is not supported (${Object.keys(BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor '${name}' has a malformed shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor '${name}' has malformed data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) {
    fail(`tensor '${name}' has data_offsets [${begin}, ${end}] outside the ${dataBytes} data bytes (truncated file?)`);
  }
  const elements = (shape as number[]).reduce((product, size) => product * size, 1);
  const expected = elements * BYTES[dtype as SafetensorsDtype];
  if (end - begin !== expected) {
    fail(`tensor '${name}' spans ${end - begin} bytes, but ${dtype} [${(shape as number[]).join(', ')}] needs ${expected}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/** Parses a whole safetensors file. `file` names it in error messages. */
export function parseSafetensors(buffer: Uint8Array, file: string): Safetensors {
  const fail = (problem: string): never => {
    throw new MemosError('E_CONFIG', `${file}: not a valid safetensors file: ${problem}`);
  };
  if (buffer.byteLength < 8) fail(`${buffer.byteLength} bytes is shorter than the 8-byte header length`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerBytes = view.getBigUint64(0, true);
  if (headerBytes > BigInt(Math.min(buffer.byteLength - 8, MAX_HEADER_BYTES))) {
    fail(`the header length ${headerBytes} exceeds the ${buffer.byteLength}-byte file`);
  }
  const dataStart = 8 + Number(headerBytes);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(8, dataStart)));
  } catch {
    fail('the header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');

  const dataBytes = buffer.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = typeof raw === 'object' && raw !== null && Object.values(raw).every((v) => typeof v === 'string');
      if (!ok) fail('__metadata__ must map names to strings');
      metadata = raw as Record<string, string>;
      continue;
    }
    entries.push(readEntry(name, raw, dataBytes, fail));
  }
  // Tensors may not share bytes.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const current = byOffset[i]!;
    if (current.begin < previous.end) fail(`tensors '${previous.name}' and '${current.name}' overlap`);
  }

  const tensors = new Map<string, Tensor>();
  for (const entry of entries) {
    const bytes = buffer.subarray(dataStart + entry.begin, dataStart + entry.end);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: decode(entry.dtype, bytes) });
  }
  return { tensors, metadata };
}
