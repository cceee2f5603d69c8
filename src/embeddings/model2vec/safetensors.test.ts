import { describe, expect, it } from 'vitest';
import { halfToFloat, parseSafetensors } from './safetensors.js';
import { loadStaticEmbeddings } from './static-embeddings.js';
import { safetensorsFile, tensorBytes } from './test-model.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const problem = (file: Buffer) => {
  try {
    parseSafetensors(file, 'test.safetensors');
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('parsed without error');
};

describe('safetensors', () => {
  it('reads F32, F16, BF16, I8 and I64 tensors with their shapes and metadata', () => {
    const file = safetensorsFile({
      f32: { dtype: 'F32', shape: [2, 2], bytes: tensorBytes('F32', [1.5, -2, 0.1, 3e38]) },
      f16: { dtype: 'F16', shape: [3], bytes: tensorBytes('F16', [0.5, -1.25, 1024]) },
      bf16: { dtype: 'BF16', shape: [2], bytes: tensorBytes('BF16', [1, -3]) },
      i8: { dtype: 'I8', shape: [4], bytes: tensorBytes('I8', [-128, -1, 0, 127]) },
      i64: { dtype: 'I64', shape: [2], bytes: tensorBytes('I64', [7, -2]) },
    });
    const { tensors, metadata } = parseSafetensors(file, 'test.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('f32')).toEqual({ dtype: 'F32', shape: [2, 2], data: Float32Array.from([1.5, -2, 0.1, 3e38]) });
    expect(tensors.get('f16')).toEqual({ dtype: 'F16', shape: [3], data: Float32Array.from([0.5, -1.25, 1024]) });
    expect(tensors.get('bf16')!.data).toEqual(Float32Array.from([1, -3]));
    expect(tensors.get('i8')!.data).toEqual(Int8Array.from([-128, -1, 0, 127]));
    expect(tensors.get('i64')!.data).toEqual(BigInt64Array.from([7n, -2n]));
  });

  it('converts half floats exactly: zeros, subnormals, normals, infinities and NaN', () => {
    expect(Object.is(halfToFloat(0x0000), 0)).toBe(true);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(halfToFloat(0x8001)).toBe(-(2 ** -24));
    expect(halfToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x3555)).toBe(0.333251953125);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504); // largest finite
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0x7c01)).toBeNaN();
    // Through a file: the raw bits of a subnormal, -0 and infinity.
    const file = safetensorsFile({ h: { dtype: 'F16', shape: [3], bytes: bytes(0x01, 0x00, 0x00, 0x80, 0x00, 0x7c) } });
    const data = parseSafetensors(file, 'h.safetensors').tensors.get('h')!.data;
    expect(Array.from(data as Float32Array)).toEqual([2 ** -24, -0, Infinity]);
  });

  it('refuses a file too short for the header length, or a header longer than the file', () => {
    expect(problem(Buffer.from([1, 2, 3]))).toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/^test\.safetensors: .*8-byte/) });
    const file = safetensorsFile({ t: { dtype: 'F32', shape: [1], bytes: tensorBytes('F32', [1]) } });
    file.writeBigUInt64LE(BigInt(file.length));
    expect(problem(file)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('exceeds') });
  });

  it('refuses a truncated file and a header that lies about offsets or sizes', () => {
    const good = safetensorsFile({ t: { dtype: 'F32', shape: [2, 2], bytes: tensorBytes('F32', [1, 2, 3, 4]) } });
    expect(problem(good.subarray(0, good.length - 3))).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('truncated') });

    const tensor = { dtype: 'F32' as const, shape: [2], bytes: tensorBytes('F32', [1, 2]) };
    const past = safetensorsFile({ t: tensor }, { t: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    expect(problem(past).message).toContain("'t' has data_offsets [4, 12] outside");
    const wrongSize = safetensorsFile({ t: tensor }, { t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } });
    expect(problem(wrongSize).message).toContain('needs 12');
    const overlap = safetensorsFile(
      { a: tensor, b: tensor },
      { b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
    );
    expect(problem(overlap).message).toContain('overlap');
    const backwards = safetensorsFile({ t: tensor }, { t: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } });
    expect(problem(backwards).code).toBe('E_CONFIG');
  });

  it('refuses unknown dtypes and malformed headers', () => {
    const tensor = { dtype: 'F32' as const, shape: [1], bytes: tensorBytes('F32', [1]) };
    expect(problem(safetensorsFile({ t: tensor }, { t: { dtype: 'C64', shape: [1], data_offsets: [0, 4] } })).message).toContain(
      'dtype "C64", which is not supported',
    );
    expect(problem(safetensorsFile({ t: tensor }, { t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } })).message).toContain(
      'malformed shape',
    );
    expect(problem(safetensorsFile({ t: tensor }, { __metadata__: { n: 1 } })).message).toContain('__metadata__');
    const notJson = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{x}')]);
    expect(problem(notJson).message).toContain('not valid UTF-8 JSON');
  });
});

describe('static embeddings', () => {
  const file = (tensors: Parameters<typeof safetensorsFile>[0]) => parseSafetensors(safetensorsFile(tensors), 'm.safetensors').tensors;

  it('dequantises I8 as a plain cast: model2vec stores no scale, and normalising cancels its global one', () => {
    const table = loadStaticEmbeddings(file({ embeddings: { dtype: 'I8', shape: [2, 2], bytes: tensorBytes('I8', [-127, 5, 0, 127]) } }), 2, 'm');
    expect(table).toMatchObject({ rows: 2, dims: 2, weights: null, mapping: null });
    expect(table.matrix).toEqual(Float32Array.from([-127, 5, 0, 127]));
  });

  it('reads optional weights and a mapping, and checks them against the vocabulary', () => {
    const table = loadStaticEmbeddings(
      file({
        embeddings: { dtype: 'F16', shape: [2, 1], bytes: tensorBytes('F16', [0.5, -2]) },
        weights: { dtype: 'F32', shape: [3], bytes: tensorBytes('F32', [1, 0.5, 2]) },
        mapping: { dtype: 'I64', shape: [3], bytes: tensorBytes('I64', [1, 0, 1]) },
      }),
      3,
      'm',
    );
    expect(table.matrix).toEqual(Float32Array.from([0.5, -2]));
    expect(table.weights).toEqual(Float32Array.from([1, 0.5, 2]));
    expect(table.mapping).toEqual(Int32Array.from([1, 0, 1]));
    const badMapping = file({
      embeddings: { dtype: 'F32', shape: [2, 1], bytes: tensorBytes('F32', [1, 2]) },
      mapping: { dtype: 'I64', shape: [2], bytes: tensorBytes('I64', [0, 2]) },
    });
    expect(() => loadStaticEmbeddings(badMapping, 2, 'm')).toThrow(/'mapping' sends token 1 to row 2/);
  });

  it('refuses a table without embeddings, of the wrong shape, or not matching the vocabulary', () => {
    const rows = { dtype: 'F32' as const, shape: [3, 2], bytes: tensorBytes('F32', [1, 2, 3, 4, 5, 6]) };
    expect(() => loadStaticEmbeddings(file({ other: rows }), 3, 'm')).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining("no 'embeddings'") }));
    expect(() => loadStaticEmbeddings(file({ embeddings: { ...rows, shape: [6] } }), 6, 'm')).toThrow(/expected \[rows, dims\]/);
    expect(() => loadStaticEmbeddings(file({ embeddings: rows }), 4, 'm')).toThrow(/3 rows, but the tokenizer has 4 tokens/);
    const nan = { dtype: 'F32' as const, shape: [1, 1], bytes: tensorBytes('F32', [NaN]) };
    expect(() => loadStaticEmbeddings(file({ embeddings: nan }), 1, 'm')).toThrow(/not finite/);
  });
});
