// The OpenAPI document with every `$ref` to a component replaced by the component itself, for
// tests that read a route's schema in place (memOS's schemas hold no cycles).

type Json = unknown;

/** A deep copy of `document` in which each `{ $ref: '#/components/…' }` is the object it points at. */
export function dereference<T>(document: T): T {
  const root = document as Json;
  const resolve = (pointer: string): Json =>
    pointer
      .slice(2)
      .split('/')
      .reduce<Json>((node, part) => (node as Record<string, Json>)[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  const walk = (node: Json, seen: string[]): Json => {
    if (Array.isArray(node)) return node.map((item) => walk(item, seen));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Record<string, Json>;
    if (typeof $ref === 'string' && $ref.startsWith('#/')) {
      if (seen.includes($ref)) throw new Error(`the document's ${$ref} refers to itself`);
      return { ...(walk(resolve($ref), [...seen, $ref]) as object), ...(walk(rest, seen) as object) };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value, seen)]));
  };
  return walk(root, []) as T;
}
