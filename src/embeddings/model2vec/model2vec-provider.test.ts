import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddingProvider } from '../../core/ports.js';
import { createModel2VecProvider } from './index.js';
import { realModel, safetensorsFile, tensorBytes, TINY_ROWS, tinyTokenizerJson, writeTinyModel } from './test-model.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-model2vec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let folders = 0;
const fresh = () => join(dir, `model-${++folders}`);

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const expectVector = (actual: Float32Array | undefined, expected: number[]) => {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual!.length).toBe(expected.length);
  expected.forEach((value, i) => expect(Math.abs(actual![i]! - value), `component ${i}`).toBeLessThan(1e-7));
};

async function tinyProvider(options: Parameters<typeof writeTinyModel>[1] = {}): Promise<EmbeddingProvider> {
  const provider = createModel2VecProvider({ path: writeTinyModel(fresh(), options), cacheDir: join(dir, 'unused') });
  await provider.init();
  return provider;
}
const embed = (provider: EmbeddingProvider, ...texts: string[]) => provider.embed({ texts, purpose: 'document' });

describe('model2vec provider (tiny model, exact values)', () => {
  it('mean-pools the token rows and L2-normalises, for F32, F16 and I8 tables alike', async () => {
    for (const dtype of ['F32', 'F16', 'I8', 'BF16'] as const) {
      const provider = await tinyProvider({ dtype });
      const [helloWorld, helloCommaWorld, cats, helloUnknown] = await embed(provider, 'Hello world', 'hello, WORLD', 'cats', 'hello xyz');
      // hello [1,2,0,0] + world [3,0,4,0] → mean [2,1,2,0], norm 3.
      expectVector(helloWorld, [2 / 3, 1 / 3, 2 / 3, 0]);
      // + ',' [0,-2,0,0] → sum [4,0,4,0].
      expectVector(helloCommaWorld, [Math.SQRT1_2, 0, Math.SQRT1_2, 0]);
      // cat [0,0,3,0] + ##s [0,0,0,4] → [0,0,0.6,0.8].
      expectVector(cats, [0, 0, 0.6, 0.8]);
      // [UNK] is dropped before pooling: hello alone.
      expectVector(helloUnknown, [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0, 0]);
    }
  });

  it('cancels a global scale, as normalising does for int8 quantisation', async () => {
    const provider = await tinyProvider({ dtype: 'F32', scale: 0.0123 });
    expectVector((await embed(provider, 'hello world'))[0], [2 / 3, 1 / 3, 2 / 3, 0]);
  });

  it('multiplies each row by its token weight when the file has weights', async () => {
    const weights = TINY_ROWS.map((_, i) => (i === 4 ? 2 : 1)); // hello ×2
    const provider = await tinyProvider({ weights });
    // 2·[1,2,0,0] + [3,0,4,0] = [5,4,4,0], norm √57.
    expectVector((await embed(provider, 'hello world'))[0], [5, 4, 4, 0].map((v) => v / Math.sqrt(57)));
  });

  it('embeds text without known tokens as the zero vector, as model2vec does', async () => {
    const provider = await tinyProvider();
    const vectors = await embed(provider, '', 'xyz', '   ', '\u0000\u0001', '🤖');
    for (const vector of vectors) expectVector(vector, [0, 0, 0, 0]);
  });

  it('returns the unnormalised mean when config.json says normalize: false', async () => {
    const provider = await tinyProvider({ config: { normalize: false } });
    expectVector((await embed(provider, 'hello world'))[0], [2, 1, 2, 0]);
    const defaulted = await tinyProvider({ config: null }); // no config.json: unit vectors
    expectVector((await embed(defaulted, 'hello world'))[0], [2 / 3, 1 / 3, 2 / 3, 0]);
  });

  it('pools at most 512 tokens, counted after [UNK] is dropped, like model2vec encode', async () => {
    const provider = await tinyProvider();
    const s = [1, -2, 0, 1]; // TINY_ROWS of 's' and 'a'
    const a = [-1, -1, 1, 1];
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    // Unknown words in front do not count; the 513th token ('a') is past the limit.
    expectVector((await embed(provider, `${'xyz '.repeat(100)}${'s '.repeat(512)}a`))[0], unit(s));
    expectVector((await embed(provider, `${'xyz '.repeat(100)}${'s '.repeat(511)}a`))[0], unit(s.map((x, i) => 511 * x + a[i]!)));
  });

  it('first cuts the text to 512 × the median token length in characters, like model2vec tokenize', async () => {
    const provider = await tinyProvider();
    // The tiny vocabulary's median token length is 3: texts are cut to 1536 code points.
    const kept = `a${' '.repeat(1534)}s`;
    const cut = `a${' '.repeat(1535)}s`;
    expectVector((await embed(provider, kept))[0], [0, -3, 1, 2].map((x) => x / Math.hypot(0, 3, 1, 2)));
    expectVector((await embed(provider, cut))[0], [-0.5, -0.5, 0.5, 0.5]);
    // Code points, not UTF-16 units: 1535 astral characters fit.
    // Code points, not UTF-16 units: 1532 emoji (3064 units) and 'a ', ' s' make 1536.
    expectVector((await embed(provider, `a ${'🤖'.repeat(1532)} s`))[0], [0, -3, 1, 2].map((x) => x / Math.hypot(0, 3, 1, 2)));
    expectVector((await embed(provider, `a ${'🤖'.repeat(1533)} s`))[0], [-0.5, -0.5, 0.5, 0.5]);
  });

  it('declares the characters it reads as its input limit once loaded, so that longer texts are known to be cut', async () => {
    const unloaded = createModel2VecProvider({ path: writeTinyModel(fresh()), cacheDir: join(dir, 'unused') });
    expect(unloaded.maxInputChars).toBeUndefined();
    expect((await tinyProvider()).maxInputChars).toBe(1536);
  });

  it('declares its capabilities: dimensions are 0 until init, model is the folder name', async () => {
    const path = writeTinyModel(join(dir, 'tiny-model-name'));
    const provider = createModel2VecProvider({ path, cacheDir: dir, maxBatchSize: 7 });
    expect(provider).toMatchObject({ provider: 'model2vec', model: 'tiny-model-name', dimensions: 0, maxBatchSize: 7 });
    await expect(embed(provider, 'hello')).rejects.toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: false } });
    await Promise.all([provider.init(), provider.init()]);
    expect(provider.dimensions).toBe(4);
    expect(await embed(provider)).toEqual([]);
    await expect(provider.embed({ texts: ['hello'], purpose: 'query', signal: AbortSignal.abort() })).rejects.toThrow();
    await provider.close();
    await expect(embed(provider, 'hello')).rejects.toMatchObject({ code: 'E_EMBEDDING_PROVIDER' });
    expect(() => createModel2VecProvider({ path, cacheDir: dir, maxBatchSize: 0 })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => createModel2VecProvider({ cacheDir: dir, repo: '../etc' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(createModel2VecProvider({ cacheDir: dir }).model).toBe('minishlab/potion-base-8M');
  });
});

describe('model2vec provider loading errors', () => {
  const initError = async (folder: string) => {
    const provider = createModel2VecProvider({ path: folder, cacheDir: dir });
    return provider.init().then(
      () => {
        throw new Error('init succeeded');
      },
      (error: { code: string; message: string }) => error,
    );
  };

  it('names the missing file of an explicit model folder', async () => {
    const folder = writeTinyModel(fresh());
    rmSync(join(folder, 'model.safetensors'));
    expect(await initError(folder)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('has no model.safetensors') });
    expect(await initError(join(dir, 'does-not-exist'))).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('has no') });
  });

  it('refuses a truncated model.safetensors and a header that lies about offsets', async () => {
    const truncated = writeTinyModel(fresh());
    const file = join(truncated, 'model.safetensors');
    const bytes = safetensorsFile({ embeddings: { dtype: 'F32', shape: [TINY_ROWS.length, 4], bytes: tensorBytes('F32', TINY_ROWS.flat()) } });
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(await initError(truncated)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(file) });

    const lying = writeTinyModel(fresh());
    const header = { embeddings: { dtype: 'F32', shape: [TINY_ROWS.length, 4], data_offsets: [64, 64 + TINY_ROWS.length * 16] } };
    writeFileSync(join(lying, 'model.safetensors'), safetensorsFile({ embeddings: { dtype: 'F32', shape: [TINY_ROWS.length, 4], bytes: tensorBytes('F32', TINY_ROWS.flat()) } }, header));
    expect(await initError(lying)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('outside') });
  });

  it('refuses a tokenizer it does not support, and one that does not match the table', async () => {
    const bpe = writeTinyModel(fresh(), { tokenizer: tinyTokenizerJson({ model: { type: 'BPE', vocab: {}, merges: [] } }) });
    expect(await initError(bpe)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('model type "BPE" is not supported') });
    const broken = writeTinyModel(fresh());
    writeFileSync(join(broken, 'tokenizer.json'), '{"model":');
    expect(await initError(broken)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('not valid JSON') });
    const vocab = { ...(tinyTokenizerJson().model as { vocab: object }).vocab, extra: TINY_ROWS.length };
    const bigger = writeTinyModel(fresh(), { tokenizer: tinyTokenizerJson({ model: { type: 'WordPiece', unk_token: '[UNK]', vocab } }) });
    expect(await initError(bigger)).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('tokenizer has 24 tokens') });
  });
});

const real = realModel();
const reason = `real model not found at ${real.path}`;

describe.runIf(real.required && !real.available)('model2vec provider (real model required)', () => {
  it('has the real model', () => {
    throw new Error(`MEMOS_REQUIRE_SERVICES=1 but the ${reason}`);
  });
});

describe.skipIf(!real.available)(`model2vec provider with potion-base-4M-int8 (skipped when the ${reason})`, () => {
  const provider = createModel2VecProvider({ path: real.path, cacheDir: dir });
  const vector = async (text: string) => (await provider.embed({ texts: [text], purpose: 'query' }))[0]!;

  it('loads 128 dimensions and returns unit vectors, deterministically', async () => {
    await provider.init();
    expect(provider.dimensions).toBe(128);
    const texts = ['The user likes green tea', 'cat', 'Ça va? 中文 👋🏽', 'long text '.repeat(2000)];
    const vectors = await provider.embed({ texts, purpose: 'document' });
    for (const v of vectors) {
      expect(v.length).toBe(128);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    const again = createModel2VecProvider({ path: real.path, cacheDir: dir });
    await again.init();
    expect(await again.embed({ texts, purpose: 'query' })).toEqual(vectors);
  });

  it('puts a question close to the fact that answers it, and paraphrases above unrelated pairs', async () => {
    await provider.init();
    const cat = await vector("The user's cat is called Miso");
    const question = await vector('what is the name of my pet');
    const unrelated = await vector('The quarterly tax report is due in April');
    expect(dot(cat, question) - dot(cat, unrelated)).toBeGreaterThan(0.1);

    const pairs: [string, string, string][] = [
      ['I moved to Berlin last year', 'Last year I relocated to Berlin', 'The recipe needs two cups of flour'],
      ['She loves playing the guitar', 'Playing guitar is her favourite hobby', 'The train to Paris was delayed'],
      ['My daughter starts school in September', 'In September my kid begins school', 'Interest rates rose by half a point'],
      ['He is allergic to peanuts', 'Peanuts give him an allergic reaction', 'The museum opens at nine'],
    ];
    for (const [a, paraphrase, other] of pairs) {
      const [va, vp, vo] = await Promise.all([vector(a), vector(paraphrase), vector(other)]);
      expect(dot(va, vp) - dot(va, vo), `${a} / ${paraphrase} vs ${other}`).toBeGreaterThan(0.15);
    }
  });
});
