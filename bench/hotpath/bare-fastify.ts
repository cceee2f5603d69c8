// The limit for the embeddings gateway: a bare Fastify POST route of the same shape as
// `POST /v1/embeddings` (JSON body in, one precomputed 128-dimensional vector out), nothing else.
// Run as a child process: `node --import tsx bench/hotpath/bare-fastify.ts --port N`.
import Fastify from 'fastify';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const vector = Array.from({ length: 128 }, (_, i) => Math.sin(i + 1) / 11.3);
const app = Fastify();
app.get('/health', async () => ({ status: 'ok' }));
app.post('/v1/embeddings', async (request) => {
  const { input, model } = request.body as { input: string | string[]; model: string };
  const texts = Array.isArray(input) ? input : [input];
  return {
    object: 'list',
    data: texts.map((_, index) => ({ object: 'embedding', index, embedding: vector })),
    model,
    usage: { prompt_tokens: 8, total_tokens: 8 },
  };
});
await app.listen({ host: '127.0.0.1', port });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
