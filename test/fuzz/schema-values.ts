// fast-check arbitraries for the values a JSON Schema describes: valid ones, bad ones, and mixes
// where any node may be bad, so that a batch holds valid and invalid items side by side.

import fc from 'fast-check';
import { BAD_TIMES, EDGE_NUMBERS, RAW_NUMBER_TEXTS, TRICKY_STRINGS, UNICODE_EDGES } from './edge-values.js';
import { typesOf, type JsonSchema } from './openapi-operations.js';

/** JSON text to put in a body as is (e.g. `1e999`), where a generated value holds it. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** What generators draw real-looking values from. */
export interface ValueContext {
  /** The namespaces the fuzz test owns; a field named `namespace` takes one of these or a bad value. */
  namespaces: readonly string[];
  /** Ids of records that exist, for fields holding ids. */
  ids: readonly string[];
  /** Model names for `model` fields (the served model, and others). */
  models: readonly string[];
  /** The server's content limit in UTF-8 bytes, to go just past it. */
  contentBytes: number;
}

/** Characters of text with edges: ASCII, unicode edge cases, and any code unit (a lone surrogate included). */
const EDGY_UNIT = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
/** Text a schema accepts: mostly plain, sometimes with unicode edges that memOS may still refuse. */
const text = (minLength: number, maxLength: number) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: EDGY_UNIT, minLength, maxLength }) },
  );
const ANY_JSON = fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2, stringUnit: EDGY_UNIT }) });
const WRONG_TYPES: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, '', 'x', [], [1], {}, { a: 1 });
const LIMITED = 4;
/** Shared by every node: built once, never changed (the serialiser only reads them). */
const LONG_ARRAY = Array.from({ length: 20_000 }, (_, i) => i);
const WIDE_OBJECT = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
const LONG_STRING = 'x'.repeat(70_000);

/** A value `schema` accepts, as far as the schema tells (memOS's own rules may still refuse it). */
export function validValue(schema: JsonSchema, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  return node(schema, name, context, (inner, innerName) => validValue(inner, innerName, context));
}

/** Mostly valid; each node is bad once in `odds` draws, so that bad fields hide among good ones. */
export function mixedValue(schema: JsonSchema, name: string, context: ValueContext, odds = 12): fc.Arbitrary<unknown> {
  const good = node(schema, name, context, (inner, innerName) => mixedValue(inner, innerName, context, odds));
  return fc.oneof({ weight: odds - 1, arbitrary: good }, { weight: 1, arbitrary: badValue(schema, name, context) });
}

/** A value `schema` refuses, or one at its very edges (which it may accept). */
export function badValue(schema: JsonSchema, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const options: fc.Arbitrary<unknown>[] = [WRONG_TYPES, fc.constantFrom(...UNICODE_EDGES), fc.constantFrom(...TRICKY_STRINGS)];
  if (types.includes('string') || types.includes('any')) options.push(stringEdges(schema, context));
  if (types.includes('number') || types.includes('integer')) options.push(numberEdges(schema));
  if (types.includes('array')) options.push(arrayEdges(schema, name, context));
  if (types.includes('object')) options.push(objectEdges(schema, name, context));
  return fc.oneof(...options);
}

type Child = (schema: JsonSchema, name: string) => fc.Arbitrary<unknown>;

/** The shape of `schema`, with `child` generating what it holds. */
function node(schema: JsonSchema, name: string, context: ValueContext, child: Child): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined) return fc.oneof(...variants.map((variant) => node(variant, name, context, child)));
  const type = typesOf(schema)[0];
  switch (type) {
    case 'object':
      return objectOf(schema, child);
    case 'array':
      return fc.array(child(schema.items ?? {}, `${name}[]`), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? LIMITED, LIMITED)) });
    case 'string':
      return stringOf(schema, name, context);
    case 'integer':
    case 'number':
      return numberOf(schema, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return ANY_JSON;
  }
}

function objectOf(schema: JsonSchema, child: Child): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    // A record (metadata, state): a few keys of any JSON.
    const values = typeof schema.additionalProperties === 'object' && schema.additionalProperties.type !== undefined ? child(schema.additionalProperties, 'value') : ANY_JSON;
    const keys = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/) }, { weight: 1, arbitrary: text(0, 8) });
    return fc.dictionary(keys, values, { maxKeys: LIMITED });
  }
  const model = Object.fromEntries(properties.map(([key, inner]) => [key, child(inner, key)]));
  return fc.record(model, { requiredKeys: schema.required ?? [] });
}

function stringOf(schema: JsonSchema, name: string, context: ValueContext): fc.Arbitrary<string> {
  if (name === 'namespace') return fc.constantFrom(...context.namespaces);
  if (name === 'model') return fc.constantFrom(...context.models);
  if (name === 'cursor') return forgedCursor(context);
  if (schema.format === 'date-time') {
    return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
  }
  if (schema.pattern !== undefined) {
    const matching = matchingOf(schema.pattern);
    return /id$|Ids\[\]$/i.test(name) && context.ids.length > 0 ? fc.oneof(fc.constantFrom(...context.ids), matching) : matching;
  }
  const min = Math.max(1, schema.minLength ?? 1);
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
  return text(min, max);
}

/** A cursor in the form memOS issues (base64url of `[time, id]`), holding times and ids it never issued. */
function forgedCursor(context: ValueContext): fc.Arbitrary<string> {
  const time = fc.oneof(fc.constantFrom(...BAD_TIMES, '2026-01-01T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'), fc.constantFrom<unknown>(0, null, [], {}));
  const id = fc.oneof(fc.constantFrom(...context.ids), fc.constantFrom<unknown>(...UNICODE_EDGES, ...TRICKY_STRINGS, 'a'.repeat(600), 7));
  const parts = fc.oneof(fc.tuple(time, id), fc.tuple(time), fc.tuple(time, id, id), fc.constant({ time: 0, id: 'x' }));
  return parts.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
}

const matchers = new Map<string, fc.Arbitrary<string>>();

/** Strings matching `pattern`; building one is slow, so each pattern's is built once. */
function matchingOf(pattern: string): fc.Arbitrary<string> {
  let matching = matchers.get(pattern);
  if (matching === undefined) matchers.set(pattern, (matching = fc.stringMatching(new RegExp(pattern))));
  return matching;
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum === undefined ? -1000 : schema.exclusiveMinimum + (integer ? 1 : 1e-9));
  const max = schema.maximum ?? (schema.exclusiveMaximum === undefined ? Math.max(min, 0) + 1000 : schema.exclusiveMaximum - (integer ? 1 : 1e-9));
  if (integer) return fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31 - 1)) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function stringEdges(schema: JsonSchema, context: ValueContext): fc.Arbitrary<unknown> {
  const limit = schema.maxLength ?? context.contentBytes;
  const edges = ['a'.repeat(limit), 'a'.repeat(limit + 1), 'é'.repeat(Math.floor(limit / 2) + 1), '😀'.repeat(Math.floor(limit / 4) + 1), 'a'.repeat(128), 'a'.repeat(129), 'has space', LONG_STRING];
  if (schema.minLength !== undefined && schema.minLength > 0) edges.push('a'.repeat(schema.minLength - 1));
  return fc.oneof(fc.constantFrom(...edges), fc.constantFrom(...BAD_TIMES));
}

function numberEdges(schema: JsonSchema): fc.Arbitrary<unknown> {
  const bounds = [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum].filter((bound): bound is number => bound !== undefined);
  const near = bounds.flatMap((bound) => [bound - 1, bound + 1, bound - 1e-9, bound + 1e-9, bound + 0.5]);
  return fc.oneof(
    fc.constantFrom(...EDGE_NUMBERS, ...near),
    fc.constantFrom(...RAW_NUMBER_TEXTS).map((text) => new RawJson(text)),
    fc.constantFrom('1', '1e3', '', '0x10', ' 5 '),
  );
}

function arrayEdges(schema: JsonSchema, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  const item = validValue(schema.items ?? {}, `${name}[]`, context);
  const tooMany = (schema.maxItems ?? 1000) + 1;
  return fc.oneof(
    fc.constant([]),
    item.map((one) => Array.from({ length: Math.min(tooMany, 20_000) }, () => one)),
    fc.constant(LONG_ARRAY),
    fc.array(fc.constantFrom<unknown>(null, 0, '', [], {}), { minLength: 1, maxLength: 3 }),
  );
}

function objectEdges(schema: JsonSchema, name: string, context: ValueContext): fc.Arbitrary<unknown> {
  const valid = validValue(schema, name, context) as fc.Arbitrary<Record<string, unknown>>;
  const required = schema.required ?? [];
  return fc.oneof(
    fc.constant({}),
    valid.map((value) => ({ ...value, unknownField: 1 })),
    valid.chain((value) => (required.length === 0 ? fc.constant(value) : fc.constantFrom(...required).map((key) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))))),
    fc.constant(WIDE_OBJECT),
  );
}
