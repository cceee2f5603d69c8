import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import type { EmbeddingProvider } from '../core/ports.js';

type Settings = Config['embeddings'];
type Loader<P extends Settings['provider']> = (settings: Extract<Settings, { provider: P }>, dataDir: string) => Promise<EmbeddingProvider | undefined>;

/** One lazy loader per provider, so that start-up loads only the one the config names. */
const embeddingProviders: { [P in Settings['provider']]: Loader<P> } = {
  model2vec: async (settings, dataDir) => {
    const { createModel2VecProvider, MODEL_FILE, TOKENIZER_FILE } = await import('./model2vec/index.js');
    if (settings.path !== undefined) checkModelFolder(settings.path, [MODEL_FILE, TOKENIZER_FILE]);
    return createModel2VecProvider({
      ...(settings.path === undefined ? {} : { path: settings.path }),
      cacheDir: join(dataDir, 'models'),
      repo: settings.model,
      hubUrl: settings.hubUrl,
    });
  },
  openai: async (settings) => {
    const { createOpenAiProvider } = await import('./openai/index.js');
    return createOpenAiProvider({
      baseUrl: settings.url,
      model: settings.model,
      maxBatchSize: settings.maxBatchSize,
      timeoutMs: settings.timeoutMs,
      maxInputChars: settings.maxInputChars,
      ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
      ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
    });
  },
  none: async () => undefined,
};

/**
 * A model folder named in the configuration must hold the model: a wrong path stops start-up
 * (E_CONFIG, exit code 78) rather than leaving memOS keyword-only by surprise.
 */
function checkModelFolder(path: string, files: readonly string[]): void {
  const folder = resolve(path);
  const setting = `MEMOS_MODEL2VEC_PATH (embeddings.path) names ${folder}`;
  const kind = (at: string) => {
    try {
      return statSync(at).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'missing';
    }
  };
  if (kind(folder) === 'missing') throw new MemosError('E_CONFIG', `${setting}, which does not exist; point it at a Model2Vec model folder, or set MEMOS_EMBEDDER=none`);
  if (kind(folder) !== 'folder') throw new MemosError('E_CONFIG', `${setting}, which is not a folder; point it at a Model2Vec model folder`);
  const missing = files.filter((file) => kind(join(folder, file)) !== 'file');
  if (missing.length > 0) throw new MemosError('E_CONFIG', `${setting}, which has no ${missing.join(' or ')}; a Model2Vec model folder holds both ${files.join(' and ')}`);
}

/** What an operator can do when the configured provider fails to load: said once in the log line that reports it. */
export function loadFailureHint(settings: Settings): string | undefined {
  if (settings.provider === 'model2vec' && settings.path === undefined) {
    return `Set MEMOS_MODEL2VEC_PATH to a local Model2Vec model folder, or MEMOS_EMBEDDER=none to run keyword-only on purpose`;
  }
  if (settings.provider === 'openai') return 'memOS retries by itself; check MEMOS_EMBEDDING_URL, or set MEMOS_EMBEDDER=none to run keyword-only on purpose';
  return undefined;
}

/** The provider the config names, not yet initialised; undefined when embeddings are off. */
export function loadEmbeddingProvider(config: Config): Promise<EmbeddingProvider | undefined> {
  const settings = config.embeddings;
  return (embeddingProviders[settings.provider] as Loader<typeof settings.provider>)(settings, config.dataDir);
}
