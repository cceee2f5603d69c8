// Seeded test vectors, so that a failing case can be replayed: a linear congruential generator,
// and vectors of roughly Gaussian components (a sum of three uniforms).

/** Uniform numbers in [0, 1) from `seed`. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Vectors of `dimensions` roughly Gaussian components from `seed`. */
export function seededVectors(seed: number): (dimensions: number) => Float32Array {
  const uniform = seededUniform(seed);
  return (dimensions) => Float32Array.from({ length: dimensions }, () => uniform() + uniform() + uniform() - 1.5);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}
