import { z } from 'zod';
import { MemosError } from '../../core/errors.js';
import * as example from '../openapi/examples.js';
import type { RouteContext, ZodApp } from './route-context.js';

const modelExample = { id: example.MODEL_ID, object: 'model', created: 1_795_339_200, owned_by: 'memos' };
const model = z
  .object({
    id: z.string().describe('The model id: send it as `model` to POST /v1/embeddings'),
    object: z.literal('model').describe('Always `model`'),
    created: z.number().describe('When memOS made it ready, in Unix seconds'),
    owned_by: z.string().describe('Always `memos`'),
  })
  .describe('An embedding model, in the shape of OpenAI’s API')
  .meta({ examples: [modelExample] });

/**
 * OpenAI-compatible model discovery: `GET /v1/models` lists the one model memOS embeds with (none
 * while no embedder is ready), so that OpenAI clients and tools can find the `model` to send.
 */
export function modelRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['embeddings'];
  schemas.name('Model', model);

  app.get('/v1/models', {
    schema: {
      tags,
      operationId: 'listModels',
      summary: 'The embedding model this server serves, in OpenAI shape',
      description: 'Lists the one model memOS embeds with, as OpenAI’s `GET /v1/models` would, so that OpenAI clients and tools find the `model` to send; an empty list while no embedder is ready. Needs any valid key.',
      response: {
        200: schemas.name(
          'ModelList',
          z
            .object({ object: z.literal('list').describe('Always `list`'), data: z.array(model).describe('The model served; none while no embedder is ready') })
            .describe('The models served, in the shape of OpenAI’s API')
            .meta({ examples: [{ object: 'list', data: [modelExample] }] }),
        ),
      },
    },
    handler: () => ({ object: 'list' as const, data: services.gateway.models() }),
  });

  // Model ids may hold a slash (`minishlab/potion-base-8M`), hence the wildcard.
  app.get('/v1/models/*', {
    schema: {
      tags,
      operationId: 'getModel',
      summary: 'One model, if this server serves it',
      description: 'Answers the model if it is the one memOS serves, else 404. The id may hold a slash (`minishlab/potion-base-8M`). Needs any valid key.',
      params: z.strictObject({ '*': z.string().max(512).describe('The model id').meta({ examples: [example.MODEL_ID] }) }),
      response: { 200: model },
    },
    handler: (request) => {
      const id = request.params['*'];
      const found = services.gateway.models().find((served) => served.id === id);
      if (found === undefined) throw new MemosError('E_NOT_FOUND', `model '${id}' is not served here; GET /v1/models lists the one that is`);
      return found;
    },
  });
}
