// The components of the OpenAPI document, made readable for people and code generators.
// fastify-type-provider-zod emits every named schema twice: `Memory` as responses give it, and
// `MemoryInput` as a request would send it (defaults optional). Most have no use on one side: a
// request body such as `MemoryWrite` is only ever sent, a record such as `Memory` only received.
// So the copy that is used keeps the plain name, the two merge where they are the same, and
// components nothing refers to go, so that the generated TypeScript types hold what the API uses.

type Json = unknown;
type JsonObject = Record<string, Json>;

const PREFIX = '#/components/schemas/';
const INPUT = 'Input';

/** Calls `visit` with every `$ref` string under `node`. */
function eachRef(node: Json, visit: (ref: string) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) eachRef(item, visit);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') visit(value);
      else eachRef(value, visit);
    }
  }
}

/** Rewrites, in place, every `$ref` to schema `from` into one to `to`. */
function renameRefs(node: Json, from: string, to: string): void {
  if (Array.isArray(node)) {
    for (const item of node) renameRefs(item, from, to);
  } else if (node !== null && typeof node === 'object') {
    const object = node as JsonObject;
    for (const [key, value] of Object.entries(object)) {
      if (key === '$ref' && value === PREFIX + from) object[key] = PREFIX + to;
      else renameRefs(value, from, to);
    }
  }
}

/** The schemas the document uses: those its paths and other components refer to, and those these refer to in turn. */
export function usedSchemas(document: JsonObject): Set<string> {
  const components = (document.components ?? {}) as JsonObject;
  const schemas = (components.schemas ?? {}) as JsonObject;
  const used = new Set<string>();
  const pending: string[] = [];
  const note = (ref: string) => {
    if (!ref.startsWith(PREFIX)) return;
    const name = ref.slice(PREFIX.length);
    if (!used.has(name)) {
      used.add(name);
      pending.push(name);
    }
  };
  const { components: _components, ...rest } = document;
  const { schemas: _schemas, ...otherComponents } = components;
  eachRef(rest, note);
  eachRef(otherComponents, note);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) eachRef(schemas[name], note);
  return used;
}

/**
 * Tidies `document.components.schemas` in place: an `<Name>Input` copy takes the name `<Name>`
 * when `<Name>` itself is unused (request bodies) or the same, and unused schemas are dropped.
 * The rest are sorted by name.
 */
export function tidyComponents(document: JsonObject): void {
  const components = (document.components ??= {}) as JsonObject;
  const schemas = (components.schemas ??= {}) as JsonObject;
  // Merging a nested pair can make the pairs around it the same: repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    const used = usedSchemas(document);
    for (const name of Object.keys(schemas)) {
      const base = name.slice(0, -INPUT.length);
      if (!name.endsWith(INPUT) || !(base in schemas) || !used.has(name)) continue;
      if (used.has(base) && JSON.stringify(schemas[base]) !== JSON.stringify(schemas[name])) continue;
      schemas[base] = schemas[name];
      delete schemas[name];
      renameRefs(document, name, base);
      changed = true;
    }
  }
  const used = usedSchemas(document);
  const kept = Object.keys(schemas)
    .filter((name) => used.has(name))
    .sort();
  components.schemas = Object.fromEntries(kept.map((name) => [name, schemas[name]]));
}
