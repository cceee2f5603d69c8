import type { Embedder } from '../core/ports.js';

type Identity = Pick<Embedder, 'provider' | 'model' | 'dimensions' | 'maxInputChars'>;

/**
 * `layer` with the provider, model, dimensions and input limit of `source`, read through on every
 * access: a provider learns its dimensions from its first answer (and Model2Vec its limit once
 * loaded), so a copy taken earlier would stay 0.
 */
export function withIdentityOf<R extends Identity>(source: Identity, layer: Omit<R, keyof Identity>): R {
  return Object.defineProperties(layer, {
    provider: { get: () => source.provider, enumerable: true },
    model: { get: () => source.model, enumerable: true },
    dimensions: { get: () => source.dimensions, enumerable: true },
    maxInputChars: { get: () => source.maxInputChars, enumerable: true },
  }) as R;
}
