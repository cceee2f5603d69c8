// The floor of an HTTP route on this machine: a bare Fastify app (default JSON parser, no hooks,
// schemas, auth or storage) answering the request shapes the scale benchmark sends to memOS.
// Run as a child process by bench/scale/limits.ts, like memOS itself; it prints its address once listening.

import Fastify from 'fastify';

const DIMENSIONS = Number(process.env.BARE_DIMENSIONS ?? 128);
const MODEL = process.env.BARE_MODEL ?? 'bare';
// A reply of the search route's size: ten hits, each a memory of a typical length.
const hits = Array.from({ length: 10 }, (_, i) => ({
  type: 'memory',
  id: `mem_${String(i).padStart(26, '0')}`,
  score: 1 - i / 10,
  parts: { keyword: 0.5, vector: 0.5, recency: 1, neighbours: null },
  item: { id: `mem_${i}`, namespace: 'bench', userId: 'user', content: 'x'.repeat(290), kind: 'fact', importance: 0.5, metadata: {}, version: 1 },
}));
const embedding = Array.from({ length: DIMENSIONS }, (_, i) => Math.sin(i) / 8);

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.post('/api/v1/memories', async (request, reply) => {
  const { memories } = request.body as { memories: unknown[] };
  const results = memories.map((_, i) => ({ id: `mem_${i}`, action: 'created', version: 1 }));
  return reply.code(201).send({ ids: results.map((result) => result.id), results });
});
app.post('/api/v1/search', async (request) => {
  const { mode } = request.body as { mode?: string };
  return { mode: mode ?? 'hybrid', requestedMode: mode ?? 'hybrid', hits, notices: [], cached: false };
});
app.post('/v1/embeddings', async (request) => {
  const { input } = request.body as { input: string | string[] };
  const texts = Array.isArray(input) ? input : [input];
  return { object: 'list', data: texts.map((_, index) => ({ object: 'embedding', index, embedding })), model: MODEL, usage: { prompt_tokens: 0, total_tokens: 0 } };
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
