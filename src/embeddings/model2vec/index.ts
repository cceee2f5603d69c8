// The Model2Vec provider's only import surface.
export { createModel2VecProvider, DEFAULT_HUB_URL, DEFAULT_REPO, type Model2VecProviderOptions } from './model2vec-provider.js';
export { MODEL_FILE, TOKENIZER_FILE } from './model-files.js';
