import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config/schema.js';
import type { Services } from '../../memory/services.js';
import type { HealthService } from '../../observability/health.js';
import type { SchemaNames } from '../openapi/schema-names.js';
import type { FieldSchemas } from '../schemas.js';

/** A Fastify instance whose schemas are zod types. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What every route module receives: the services it calls and the field schemas built from config. */
export interface RouteContext {
  config: Config;
  services: Services;
  health: HealthService;
  fields: FieldSchemas;
  /** Names a schema as a component of this app's OpenAPI document (`schemas.name('SearchRequest', body)`). */
  schemas: SchemaNames;
}
