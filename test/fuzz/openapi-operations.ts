// The operations a memOS serves, as its own /openapi.json describes them: the fuzz test derives
// every request from these, so that a new route is fuzzed without anyone listing it.

/** The parts of JSON Schema (as the OpenAPI document uses it) the generators understand. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/api/v1/memories/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, for operations that take one. */
  body?: JsonSchema;
  /** Whether the operation changes stored records (sessions, episodes, memories). */
  writes: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const STORED_RECORDS = /^\/api\/v1\/(sessions|episodes|memories)(\/|$)/;

/** Every operation of the document, with `$ref`s resolved. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema): JsonSchema => resolveRefs(schema, document.components?.schemas ?? {});
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (operation.parameters ?? []).map((parameter) => ({ ...parameter, required: parameter.required === true, schema: resolve(parameter.schema) })),
        ...(body === undefined ? {} : { body: resolve(body) }),
        writes: method !== 'get' && STORED_RECORDS.test(path),
      });
    }
  }
  return operations;
}

function resolveRefs(schema: JsonSchema, components: Record<string, JsonSchema>, seen = new Set<string>()): JsonSchema {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.split('/').pop() ?? '';
    const target = components[name];
    if (target === undefined || seen.has(name)) return {};
    return resolveRefs(target, components, new Set([...seen, name]));
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, inner]) => [key, resolveRefs(inner, components, seen)]));
  if (schema.items) out.items = resolveRefs(schema.items, components, seen);
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = resolveRefs(schema.additionalProperties, components, seen);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (list) out[key] = list.map((inner) => resolveRefs(inner, components, seen));
  }
  return out;
}

/** The types a schema allows, `any` when it names none. */
export function typesOf(schema: JsonSchema): string[] {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.enum !== undefined) return [...new Set(schema.enum.map((value) => (value === null ? 'null' : typeof value)))];
  return ['any'];
}
