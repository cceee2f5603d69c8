// The OpenAI `/embeddings` wire format, as OpenAI, LM Studio, Ollama, vLLM and llama.cpp speak it.

import { z } from 'zod';

export const embeddingResponseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      /** Floats, or little-endian float32 bytes in base64 when `encoding_format: 'base64'`. */
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string().nullish(),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number() }).partial().nullish(),
});

export type EmbeddingResponse = z.infer<typeof embeddingResponseSchema>;

/** A vector from either encoding; null when base64 does not hold whole float32 values. */
export function decodeEmbedding(embedding: number[] | string): Float32Array | null {
  if (typeof embedding !== 'string') return Float32Array.from(embedding);
  const bytes = Buffer.from(embedding, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date.
 * Undefined when the header is missing or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const SAFE_CODE = /^[\w.-]{1,64}$/;

/**
 * The machine-readable code of an upstream error body (`{error: {code|type}}`), when it is a
 * short identifier. Free-text upstream messages are never repeated: they may echo the input
 * texts or part of the API key.
 */
export function upstreamErrorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; type?: unknown } };
    const { code, type } = parsed?.error ?? {};
    const found = [code, type].find((value) => typeof value === 'string' && SAFE_CODE.test(value));
    return found as string | undefined;
  } catch {
    return undefined;
  }
}
