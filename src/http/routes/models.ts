import { z } from 'zod';
import { MemosError } from '../../core/errors.js';
import type { RouteContext, ZodApp } from './route-context.js';

const model = z.object({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() });

/**
 * OpenAI-compatible model discovery: `GET /v1/models` lists the one model memOS embeds with (none
 * while no embedder is ready), so that OpenAI clients and tools can find the `model` to send.
 */
export function modelRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['embeddings'];

  app.get('/v1/models', {
    schema: { tags, summary: 'The embedding model this server serves, in OpenAI shape', response: { 200: z.object({ object: z.literal('list'), data: z.array(model) }) } },
    handler: () => ({ object: 'list' as const, data: services.gateway.models() }),
  });

  // Model ids may hold a slash (`minishlab/potion-base-8M`), hence the wildcard.
  app.get('/v1/models/*', {
    schema: { tags, summary: 'One model, if this server serves it', params: z.strictObject({ '*': z.string().max(512) }), response: { 200: model } },
    handler: (request) => {
      const id = request.params['*'];
      const found = services.gateway.models().find((served) => served.id === id);
      if (found === undefined) throw new MemosError('E_NOT_FOUND', `model '${id}' is not served here; GET /v1/models lists the one that is`);
      return found;
    },
  });
}
