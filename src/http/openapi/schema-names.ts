// Named component schemas for the OpenAPI document, one registry per app. A route's field bounds
// come from that app's config, so its schemas are new objects in every app: zod's global registry,
// which holds one schema per id for the whole process, cannot name them. This registry can, and
// falls back to the global one for what `.describe()` and `.meta()` recorded.
import { z } from 'zod';

/** What fastify-type-provider-zod reads from a registry: an `id` names a component. */
export type SchemaRegistryMeta = { id?: string | undefined; [key: string]: unknown };

/** Names schemas as `#/components/schemas/<id>` in one app's OpenAPI document. */
export interface SchemaNames {
  /** The registry to hand to fastify-type-provider-zod's transforms. */
  readonly registry: z.core.$ZodRegistry<SchemaRegistryMeta>;
  /** Registers `schema` as component `id` (e.g. `Memory`) and returns it unchanged. */
  name<T extends z.ZodType>(id: string, schema: T): T;
}

/** A WeakMap that answers from `fallback` what it does not hold itself. */
class FallbackMap<K extends object, V> extends WeakMap<K, V> {
  constructor(private readonly fallback: WeakMap<K, V>) {
    super();
  }
  override get(key: K): V | undefined {
    return super.get(key) ?? this.fallback.get(key);
  }
  override has(key: K): boolean {
    return super.has(key) || this.fallback.has(key);
  }
}

type RegistryInternals = { _map: WeakMap<object, SchemaRegistryMeta> };

export function createSchemaNames(): SchemaNames {
  const registry = z.registry<SchemaRegistryMeta>();
  // zod keeps a registry's metadata in `_map` (fastify-type-provider-zod reads it the same way).
  const internals = registry as unknown as RegistryInternals;
  internals._map = new FallbackMap((z.globalRegistry as unknown as RegistryInternals)._map);
  return {
    registry,
    name(id, schema) {
      const existing = registry.get(schema);
      if (existing?.id === id) return schema;
      if (existing?.id !== undefined) throw new Error(`schema is already named ${existing.id}, not ${id}`);
      registry.add(schema, { ...z.globalRegistry.get(schema), id });
      return schema;
    },
  };
}
