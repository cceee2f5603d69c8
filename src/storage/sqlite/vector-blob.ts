// A vector as the `embedding` BLOB column holds it: float32, little-endian, whatever the host's
// byte order. Used where a record is inserted with its vector known at write time.
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/** The vector's bytes, or undefined when it cannot be stored (empty, or a value that is not finite). */
export function vectorBlob(vector: Float32Array): Buffer | undefined {
  if (vector.length === 0) return undefined;
  for (let j = 0; j < vector.length; j += 1) if (!Number.isFinite(vector[j])) return undefined;
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
  const blob = Buffer.alloc(vector.length * 4);
  for (let j = 0; j < vector.length; j += 1) blob.writeFloatLE(vector[j]!, j * 4);
  return blob;
}
