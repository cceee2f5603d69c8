// The JSON text of embedding vectors for the gateway's OpenAI-shaped answers. Printing 128 or more
// doubles is the largest cost of answering a cache hit, and a text asked for again has the same
// vector: its JSON is remembered by the vector's bytes (of which it is a pure function) and the
// answer is assembled around it, exactly as JSON.stringify would write the whole object.

/** Characters of vector JSON remembered at most (about 16 MiB with their keys); the table starts afresh when full. */
const REMEMBERED_CHARS = 8 * 1024 * 1024;
const remembered = new Map<string, string>();
let rememberedChars = 0;

/** The vector as a plain array of numbers (a loop: Array.from goes through the iterator protocol). */
export function numbersOf(vector: Float32Array): number[] {
  const out = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]!;
  return out;
}

/** `JSON.stringify(numbersOf(vector))`, remembered for recently seen vectors. */
export function vectorJson(vector: Float32Array): string {
  const key = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('latin1');
  const known = remembered.get(key);
  if (known !== undefined) return known;
  const json = JSON.stringify(numbersOf(vector));
  if (rememberedChars + key.length + json.length > REMEMBERED_CHARS) {
    remembered.clear();
    rememberedChars = 0;
  }
  remembered.set(key, json);
  rememberedChars += key.length + json.length;
  return json;
}

/** float32 little-endian bytes in base64, as OpenAI's `encoding_format: "base64"`. */
export function base64Of(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/**
 * OpenAI's embeddings list as JSON text: the same text as JSON.stringify of
 * `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage: { prompt_tokens, total_tokens } }`.
 */
export function embeddingListJson(vectors: readonly Float32Array[], format: 'float' | 'base64', model: string, promptTokens: number): string {
  const data = vectors
    .map((vector, index) => `{"object":"embedding","index":${index},"embedding":${format === 'base64' ? JSON.stringify(base64Of(vector)) : vectorJson(vector)}}`)
    .join(',');
  const tokens = JSON.stringify(promptTokens);
  return `{"object":"list","data":[${data}],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
}
