// Bad requests for one operation of /openapi.json, each labelled with the fault it carries.

import fc from 'fast-check';
import { BAD_UTF8, CONTENT_TYPES, ODD_BODIES, ODD_PATH_IDS } from './edge-values.js';
import { deepJson, jsonText, percentEncode, placeRaw, spliceBytes, wideJson, type DeepShape } from './json-text.js';
import type { Operation, Parameter } from './openapi-operations.js';
import { mixedValue, RawJson, validValue, type ValueContext } from './schema-values.js';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export interface FuzzCase {
  operation: Operation;
  fault: string;
  request: FuzzRequest;
  [fc.toStringMethod]: () => string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const JSON_TYPE = { 'content-type': 'application/json' };

/** Every fault this operation can carry, as one arbitrary of labelled cases. */
export function badRequests(operation: Operation, context: ValueContext): fc.Arbitrary<FuzzCase> {
  // A failure names the case in one line, not with the whole operation schema.
  const made = (fault: string) => (request: FuzzRequest): FuzzCase => ({ operation, fault, request, [fc.toStringMethod]: () => describeCase(fault, request) });
  const path = pathOf(operation, context);
  const query = queryOf(operation, context);
  const headers = headersOf(operation, context);
  const body = operation.body === undefined ? fc.constant(undefined) : mixedValue(operation.body, 'body', context);
  const validBody = operation.body === undefined ? fc.constant(undefined) : validValue(operation.body, 'body', context);
  const send = (url: fc.Arbitrary<string>, payload: fc.Arbitrary<string | Buffer | undefined>, type: fc.Arbitrary<Record<string, string>> = fc.constant(JSON_TYPE)) =>
    fc.tuple(url, payload, type, headers).map(([u, p, t, h]): FuzzRequest => ({ method: operation.method, url: u, headers: { ...h, ...(p === undefined ? {} : t) }, ...(p === undefined ? {} : { payload: p }) }));
  const url = fc.tuple(path, query).map(([p, q]) => p + q);
  const validUrl = fc.tuple(pathOf(operation, context, 'valid'), queryOf(operation, context, 'valid')).map(([p, q]) => p + q);
  const text = (value: fc.Arbitrary<unknown>) => value.map((v) => (v === undefined ? undefined : jsonText(v)));
  const someBody = operation.body === undefined ? fc.constant<unknown>({ namespace: 'fuzz' }) : validBody;

  const cases: fc.WeightedArbitrary<FuzzCase>[] = [
    { weight: 10, arbitrary: send(url, text(body)).map(made('mixed fields')) },
    { weight: 3, arbitrary: send(validUrl, text(validBody)).map(made('valid by schema')) },
    { weight: 3, arbitrary: send(url, text(validBody)).map(made('path and query')) },
    { weight: 2, arbitrary: fc.tuple(someBody, deepShape(), fc.nat()).map(([v, raw, pick]) => jsonText(placeRaw(v, raw, pick))).chain((p) => send(validUrl, fc.constant(p))).map(made('deep JSON')) },
    { weight: 1, arbitrary: fc.tuple(someBody, wideShape(), fc.nat()).map(([v, raw, pick]) => jsonText(placeRaw(v, raw, pick))).chain((p) => send(validUrl, fc.constant(p))).map(made('wide JSON')) },
    { weight: 2, arbitrary: fc.tuple(someBody, fc.nat(), fc.constantFrom<'same' | 'other'>('same', 'other')).map(([v, at, second]) => jsonText(v, { duplicateAt: at, duplicateValue: second })).chain((p) => send(validUrl, fc.constant(p))).map(made('duplicate key')) },
    { weight: 2, arbitrary: send(validUrl, malformedText(someBody)).map(made('malformed JSON')) },
    { weight: 1, arbitrary: send(validUrl, fc.tuple(text(someBody), fc.constantFrom(...BAD_UTF8), fc.nat()).map(([t, bad, pick]) => spliceBytes(t ?? '{}', bad, pick))).map(made('invalid UTF-8')) },
    { weight: 2, arbitrary: send(validUrl, text(someBody), contentType()).map(made('content type')) },
    { weight: 1, arbitrary: fc.tuple(validUrl, text(someBody), fc.constantFrom(...METHODS.filter((m) => m !== operation.method))).map(([u, p, method]) => made('other method')({ method, url: u, headers: JSON_TYPE, ...(method === 'GET' || method === 'HEAD' ? {} : { payload: p ?? '{}' }) })) },
  ];
  return fc.oneof(...cases);
}

/** One line: the fault, the request and the start of its body. */
export function describeCase(fault: string, request: FuzzRequest): string {
  const body = request.payload === undefined ? '' : ` ${String(request.payload).slice(0, 200)}${String(request.payload).length > 200 ? `… (${request.payload.length} bytes)` : ''}`;
  return `${fault}: ${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.headers)}${body}`;
}

function pathOf(operation: Operation, context: ValueContext, mode: 'mixed' | 'valid' = 'mixed'): fc.Arbitrary<string> {
  const names = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  if (names.length === 0) return fc.constant(operation.path);
  const valid = fc.oneof(fc.constantFrom(...context.ids), fc.stringMatching(/^[A-Za-z0-9._:@-]{1,16}$/).filter((id) => id !== '.' && id !== '..'));
  const one = mode === 'valid' ? valid : fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: fc.constantFrom(...ODD_PATH_IDS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map(percentEncode) });
  return fc.array(one, { minLength: names.length, maxLength: names.length }).map((values) => names.reduce((path, name, i) => path.replace(`{${name}}`, values[i]!), operation.path));
}

function queryOf(operation: Operation, context: ValueContext, mode: 'mixed' | 'valid' = 'mixed'): fc.Arbitrary<string> {
  const params = operation.parameters.filter((p) => p.in === 'query');
  const pair = (param: Parameter) => {
    const value = mode === 'valid' ? validValue(param.schema, param.name, context) : mixedValue(param.schema, param.name, context, 6);
    return fc.option(value.map((v) => (Array.isArray(v) ? v : [v]).map((item) => `${param.name}=${percentEncode(queryText(item))}`).join('&')), { freq: 2 });
  };
  const known = fc.tuple(...params.map(pair)).map((pairs) => pairs.filter((p): p is string => p !== null));
  if (mode === 'valid') return known.map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
  const odd = fc.constantFrom('unknown=1', '%', '%zz', 'namespace=%ED%A0%BD', 'namespace=a%00b', '&&&', '=x', 'kind[]=fact', 'limit=1&limit=2', 'limit=', 'cursor=%ff%fe', `x=${'y'.repeat(10_000)}`, '+=+');
  return fc.tuple(known, fc.array(odd, { maxLength: 2 })).map(([pairs, extra]) => {
    const all = [...pairs, ...extra];
    return all.length === 0 ? '' : `?${all.join('&')}`;
  });
}

function headersOf(operation: Operation, context: ValueContext): fc.Arbitrary<Record<string, string>> {
  const params = operation.parameters.filter((p) => p.in === 'header');
  if (params.length === 0) return fc.constant({});
  const value = fc.oneof(fc.constantFrom(...context.namespaces), fc.constantFrom('a b', '../x', 'x'.repeat(200), '', '%00', 'ns,other'));
  return fc.tuple(...params.map((param) => fc.option(value.map((v) => [param.name, v] as const)))).map((pairs) => Object.fromEntries(pairs.filter((p) => p !== null)));
}

/** A query value as text: strings as they are, anything else as JSON. */
function queryText(value: unknown): string {
  return typeof value === 'string' ? value : value instanceof RawJson ? value.text : (JSON.stringify(value) ?? '');
}

function deepShape(): fc.Arbitrary<RawJson> {
  const levels = fc.oneof(fc.integer({ min: 60, max: 72 }), fc.integer({ min: 500, max: 20_000 }));
  return fc.tuple(fc.constantFrom<DeepShape>('arrays', 'objects', 'mixed', 'unclosed'), levels).map(([shape, n]) => new RawJson(deepJson(shape, n)));
}

function wideShape(): fc.Arbitrary<RawJson> {
  return fc.tuple(fc.constantFrom<'object' | 'array'>('object', 'array'), fc.integer({ min: 1000, max: 40_000 })).map(([kind, n]) => new RawJson(wideJson(kind, n)));
}

function malformedText(body: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const truncated = fc.tuple(body, fc.nat()).map(([v, at]) => {
    const text = jsonText(v);
    return text.slice(0, at % Math.max(1, text.length));
  });
  return fc.oneof(fc.constantFrom(...ODD_BODIES), truncated);
}

function contentType(): fc.Arbitrary<Record<string, string>> {
  return fc.constantFrom(...CONTENT_TYPES).map((type): Record<string, string> => (type === undefined ? {} : { 'content-type': type }));
}
