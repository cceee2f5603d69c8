export { createOpenAiProvider, type OpenAiProviderOptions } from './openai-provider.js';
