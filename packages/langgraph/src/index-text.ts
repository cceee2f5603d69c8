// The text of an item that memOS embeds and indexes, read from its value by LangGraph's field
// paths. The path syntax and what each path yields follow InMemoryStore (the package's
// `store/utils.js`, which the package does not export), so that an item is indexed on the same
// text here as there: "$" is the whole value as indented JSON, "a.b" a nested field, "a[*].b" every
// element, "a[0]" / "a[-1]" one element, "{a,b.c}" several fields, "*" every field.

type Json = unknown;

/** Splits a field path into tokens: `chapters[*].content` → `chapters`, `[*]`, `content`. */
export function tokenizePath(path: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; ) {
    const char = path[i]!;
    if (char === '[' || char === '{') {
      if (current) tokens.push(current);
      current = '';
      const close = char === '[' ? ']' : '}';
      let depth = 1;
      let group = char;
      i += 1;
      while (i < path.length && depth > 0) {
        if (path[i] === char) depth += 1;
        else if (path[i] === close) depth -= 1;
        group += path[i];
        i += 1;
      }
      tokens.push(group);
      continue;
    }
    if (char === '.') {
      if (current) tokens.push(current);
      current = '';
    } else current += char;
    i += 1;
  }
  if (current) tokens.push(current);
  return tokens;
}

const scalarText = (value: Json): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

/** A value at the end of a path as text: scalars as they print, objects and arrays as indented JSON. */
function leafText(value: Json): string[] {
  const scalar = scalarText(value);
  if (scalar !== undefined) return [scalar];
  if (value === null || value === undefined || typeof value !== 'object') return [];
  return [JSON.stringify(value, null, 2)];
}

function extract(value: Json, tokens: string[], at: number): string[] {
  if (at >= tokens.length) return leafText(value);
  const token = tokens[at]!;
  const found: string[] = [];
  if (at === 0 && token === '$') found.push(JSON.stringify(value, null, 2));
  if (token.startsWith('[') && token.endsWith(']')) {
    if (!Array.isArray(value)) return [];
    const index = token.slice(1, -1);
    if (index === '*') for (const element of value) found.push(...extract(element, tokens, at + 1));
    else {
      const parsed = Number.parseInt(index, 10);
      const position = parsed < 0 ? value.length + parsed : parsed;
      if (Number.isInteger(position) && position >= 0 && position < value.length) found.push(...extract(value[position], tokens, at + 1));
    }
  } else if (token.startsWith('{') && token.endsWith('}')) {
    if (typeof value !== 'object' || value === null) return [];
    for (const field of token.slice(1, -1).split(',').map((part) => part.trim())) {
      let current: Json = value;
      for (const step of tokenizePath(field)) {
        current = typeof current === 'object' && current !== null && step in current ? (current as Record<string, Json>)[step] : undefined;
        if (current === undefined) break;
      }
      if (current !== undefined && current !== null) found.push(...leafText(current));
    }
  } else if (token === '*') {
    const children = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [];
    for (const child of children) found.push(...extract(child, tokens, at + 1));
  } else if (typeof value === 'object' && value !== null && token in value) {
    found.push(...extract((value as Record<string, Json>)[token], tokens, at + 1));
  }
  return found;
}

/** Every text `path` selects in `value`, as InMemoryStore reads it for embedding. */
export function textsAtPath(value: Json, path: string): string[] {
  if (!path || path === '$') return [JSON.stringify(value, null, 2)];
  return extract(value, tokenizePath(path), 0);
}

/** The texts of all `fields` of `value`, in field order, blank ones left out. */
export function indexTexts(value: Json, fields: readonly string[]): string[] {
  return fields.flatMap((field) => textsAtPath(value, field)).filter((text) => text.trim().length > 0);
}
