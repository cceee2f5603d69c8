import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { EmbeddingProvider } from '../core/ports.js';

type Settings = Config['embeddings'];
type Loader<P extends Settings['provider']> = (settings: Extract<Settings, { provider: P }>, dataDir: string) => Promise<EmbeddingProvider | undefined>;

/** One lazy loader per provider, so that start-up loads only the one the config names. */
const embeddingProviders: { [P in Settings['provider']]: Loader<P> } = {
  model2vec: async (settings, dataDir) => {
    const { createModel2VecProvider } = await import('./model2vec/index.js');
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

/** The provider the config names, not yet initialised; undefined when embeddings are off. */
export function loadEmbeddingProvider(config: Config): Promise<EmbeddingProvider | undefined> {
  const settings = config.embeddings;
  return (embeddingProviders[settings.provider] as Loader<typeof settings.provider>)(settings, config.dataDir);
}
