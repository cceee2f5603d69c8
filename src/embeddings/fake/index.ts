export { createHashProvider, hashEmbedding, type HashProvider, type HashProviderOptions } from './hash-provider.js';
export {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeOpenAiServerOptions,
  type UpstreamFault,
  type UpstreamRequest,
} from './openai-server.js';
