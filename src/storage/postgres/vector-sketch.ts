// The exact path's index (PostgreSQL without pgvector): each vector also carries a sketch, the
// signs of its projections on SKETCH_BITS random hyperplanes (SimHash), in a `bit` column, and
// that sketch cut into BANDS bands whose keys live in a GIN-indexed `integer[]`.
// - A near-duplicate check (a high cosine threshold) reads only the rows that share a band with
//   the query (locality-sensitive hashing through the GIN index), the nearest of them by Hamming
//   distance, then ranks those few exactly: no scan of the scope on writes.
// - A search orders the scope by Hamming distance (`bit_count` of an XOR: C code, ~0.2 µs a row
//   against ~40 µs for `memos_cosine`) and ranks only the nearest candidates exactly; a scope no
//   larger than the candidates is ranked exactly whole.
// The hyperplanes follow from the dimensions alone (a seeded generator), so that every replica,
// and every version of memOS, computes the same sketch for the same vector.
// Band keys are salted with the memory's exact scope (tier, namespace, user, agent, session, model,
// dimensions; migration 12), in SQL on both sides (`scopedBandKeys`), so that a near-duplicate
// check reads the band buckets of its own scope, whose size follows that scope and not the
// namespace. A memory's session is no part of its scope since migration 17, which salts every
// memory's keys with the NULL session (truth-schema.ts). Only memories carry band keys: nothing
// looks episodes up by band.
//
// Two vectors at angle θ differ in each bit with probability θ/π. At the default threshold
// (cosine 0.95, θ ≈ 18.2°, p ≈ 0.10) a band of 16 bits agrees with probability 0.18, so 24 bands
// find such a pair with probability 0.992, and 0.9999 from cosine 0.98.

import { createHash } from 'node:crypto';

export const SKETCH_BITS = 384;
const BAND_BITS = 16;
const BANDS = SKETCH_BITS / BAND_BITS;

/** Near-duplicate checks take the band path from this threshold up; below, bands find too few of the matches. */
export const BANDED_THRESHOLD = 0.9;

const planes = new Map<number, Float32Array>();

/** SKETCH_BITS Gaussian hyperplanes of `dimensions` values, row after row, from a generator seeded by the dimensions. */
function hyperplanes(dimensions: number): Float32Array {
  let found = planes.get(dimensions);
  if (found) return found;
  let state = (0x9e3779b9 ^ dimensions) >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  found = new Float32Array(SKETCH_BITS * dimensions);
  for (let i = 0; i < found.length; i++) found[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  planes.set(dimensions, found);
  return found;
}

/** The sketch's bits, one per hyperplane: 1 where the vector lies on its positive side. */
export function sketchBits(vector: Float32Array): Uint8Array {
  const d = vector.length;
  const p = hyperplanes(d);
  const bits = new Uint8Array(SKETCH_BITS);
  for (let b = 0; b < SKETCH_BITS; b++) {
    let dot = 0;
    const row = b * d;
    for (let j = 0; j < d; j++) dot += p[row + j]! * vector[j]!;
    bits[b] = dot > 0 ? 1 : 0;
  }
  return bits;
}

/** The sketch as the text a `bit(SKETCH_BITS)` parameter parses. */
export const sketchParam = (bits: Uint8Array): string => bits.join('');

/**
 * The band keys of a sketch within its partition: each band's index and value, mixed with a hash
 * of the partition, so that a key is rare outside it (the query still checks the partition).
 */
export function bandKeys(bits: Uint8Array, partition: { tier: string; namespace: string; model: string; dimensions: number }): number[] {
  const salt = partitionSalt(partition);
  return rawBandKeys(bits).map((key) => (salt ^ key) | 0);
}

/** The salt of migration 10's band keys, by partition; migration 12 takes it off again. */
export const partitionSalt = (partition: { tier: string; namespace: string; model: string; dimensions: number }): number =>
  createHash('sha256').update(`${partition.tier}\u0000${partition.namespace}\u0000${partition.model}\u0000${partition.dimensions}`).digest().readInt32LE(0);

/** Each band's index and value, unsalted: `scopedBandKeys` salts them with the scope in SQL. */
export function rawBandKeys(bits: Uint8Array): number[] {
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    let value = 0;
    for (let j = 0; j < BAND_BITS; j++) value = (value << 1) | bits[band * BAND_BITS + j]!;
    keys.push((band << BAND_BITS) | value);
  }
  return keys;
}

/** SQL expressions (text) of a memory's exact scope and partition; an unset id is NULL. */
export interface ScopeColumns {
  namespace: string;
  userId: string;
  agentId: string;
  sessionId: string;
  model: string;
  dims: string;
}

/**
 * SQL: the band keys of a memory in its exact scope, from its unsalted keys `raw` (an integer[]
 * expression): each XOR a 32-bit salt, the head of the md5 of the scope's quoted values (md5 and
 * quote_nullable are stable, so every replica and version salts alike). Keys of different scopes
 * rarely meet, and a check still matches the scope exactly when they do.
 */
export function scopedBandKeys(raw: string, scope: ScopeColumns): string {
  const parts = ["'memories'::text", scope.namespace, scope.userId, scope.agentId, scope.sessionId, scope.model, `(${scope.dims})::text`];
  const salt = `('x' || left(md5(concat_ws(',', ${parts.map((part) => `quote_nullable(${part})`).join(', ')})), 8))::bit(32)::integer`;
  // OFFSET 0: the salt is computed once per array, not once per key.
  return `ARRAY(SELECT k # s.salt FROM (SELECT ${salt} AS salt OFFSET 0) AS s, unnest(${raw}) AS k)`;
}

/** Sketch and unsalted band keys of one vector, as query parameters. */
export function sketchParams(vector: Float32Array): { sketch: string; raw: string } {
  const bits = sketchBits(vector);
  return { sketch: sketchParam(bits), raw: `{${rawBandKeys(bits).join(',')}}` };
}

/** Sketch and band keys of one vector salted by partition, as migration 10 stored them. */
export function sketchOf(vector: Float32Array, partition: { tier: string; namespace: string; model: string }): { sketch: string; bands: number[] } {
  const bits = sketchBits(vector);
  return { sketch: sketchParam(bits), bands: bandKeys(bits, { ...partition, dimensions: vector.length }) };
}
