// The JSON body parser: one pass over the text, without recursion, before JSON.parse builds anything.
// It refuses what JSON.parse would accept but memOS must not: nesting deeper than a hard cap,
// a key given twice in one object (JSON.parse keeps the last silently), a `\uD800`–`\uDFFF`
// escape that is not a high+low pair (not Unicode: PostgreSQL refuses it, strict JSON readers
// choke on it when it comes back), NUL (`\u0000`, which PostgreSQL cannot store) and the
// prototype-poisoning keys `__proto__` and `constructor.prototype`.

import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { validationError } from '../core/errors.js';
import { LONE_SURROGATE, LONE_SURROGATE_MESSAGE, NUL_MESSAGE } from './text-guard.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LETTER_U = 0x75;

/** Beyond this many keys an object's keys are kept in a Set; below, a short list is faster. */
const KEYS_IN_LIST = 16;
/** Path segments longer than this are shortened in messages: a key can be as long as the body. */
const SEGMENT_CHARS = 64;

/** The hard cap on nesting of a whole body: generous, and always above what the metadata limit lets through. */
export function bodyDepthLimit(metadataDepth: number): number {
  return Math.max(64, metadataDepth + 8);
}

/**
 * Parses a JSON request body, or throws E_VALIDATION naming the field. `text` must come from
 * valid UTF-8 (as `parseJsonBytes` ensures), so that it holds no raw lone surrogate.
 */
export function parseJsonText(raw: string, maxDepth: number): unknown {
  if (raw.length === 0) throw validationError([{ field: 'body', message: 'is empty; send a JSON object', location: 'body' }]);
  // A leading byte order mark is tolerated, as Fastify's parser did.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  scanJson(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which may be memory text: never pass it on.
    throw validationError([{ field: 'body', message: 'is not valid JSON', location: 'body' }]);
  }
}

/**
 * The scan alone: throws E_VALIDATION naming the field for nesting deeper than `maxDepth`, a key
 * repeated in one object, a lone surrogate or NUL escape, or a prototype-poisoning key. Text
 * that is not JSON may pass: JSON.parse refuses it next.
 */
export function scanJson(text: string, maxDepth: number): void {
  new JsonScan(text, maxDepth).run();
}

/** Parses a JSON body from its bytes, refusing invalid UTF-8 rather than turning it into U+FFFD. */
export function parseJsonBytes(bytes: Buffer, maxDepth: number): unknown {
  if (!isUtf8(bytes)) throw validationError([{ field: 'body', message: 'is not valid UTF-8', location: 'body' }]);
  return parseJsonText(bytes.toString('utf8'), maxDepth);
}

/** Replaces Fastify's JSON parser (`application/json`, with any parameters) with `parseJsonBytes`. */
export function installJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBytes(body as Buffer, maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/**
 * One scan of the JSON text. It follows structure only (strings, brackets, commas, colons) and
 * leaves the rest of the grammar to JSON.parse; on malformed text it stops quietly, and
 * JSON.parse reports it. Open containers live on an explicit stack (`isObject`, `index`, `key`), so
 * any depth costs no call stack; string contents are skipped with `indexOf`.
 */
class JsonScan {
  readonly #text: string;
  readonly #maxDepth: number;
  /** Per open container, 1-based: whether it is an object, its current key or element index, its keys so far. */
  readonly #isObject: boolean[] = [false];
  readonly #index: number[] = [0];
  readonly #key: string[] = [''];
  readonly #keyList: string[][] = [[]];
  readonly #keySet: (Set<string> | undefined)[] = [undefined];
  #depth = 0;
  /** The next backslash at or after the scan position, -1 when there is none left. */
  #backslash: number;
  /** Whether the string last skipped held an escape, and what is wrong with it (NUL, a lone surrogate). */
  #escaped = false;
  #problem: string | undefined;

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#maxDepth = maxDepth;
    this.#backslash = text.indexOf('\\');
  }

  run(): void {
    const text = this.#text;
    const length = text.length;
    let expectKey = false;
    let i = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const isKey = expectKey && this.#isObject[this.#depth] === true;
        const end = this.#skipString(i + 1);
        if (end < 0) return;
        if (isKey) {
          const key = this.#escaped ? decodeKey(text.slice(i, end + 1)) : text.slice(i + 1, end);
          if (key === undefined) return;
          this.#key[this.#depth] = key;
          if (this.#problem !== undefined) this.#fail(this.#path(this.#depth), this.#problem);
          this.#addKey(key);
          expectKey = false;
        } else if (this.#problem !== undefined) {
          this.#fail(this.#path(this.#depth), this.#problem);
        }
        i = end + 1;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.#open(c === OPEN_OBJECT);
        expectKey = c === OPEN_OBJECT;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.#depth === 0) return;
        this.#depth -= 1;
        expectKey = false;
      } else if (c === COMMA) {
        if (this.#isObject[this.#depth] === true) expectKey = true;
        else this.#index[this.#depth] = (this.#index[this.#depth] ?? 0) + 1;
      } else if (c === COLON) {
        expectKey = false;
      }
      i += 1;
    }
  }

  #open(isObject: boolean): void {
    if (this.#depth >= this.#maxDepth) this.#fail(this.#path(this.#depth), `nests deeper than ${this.#maxDepth} levels`);
    const depth = (this.#depth += 1);
    this.#isObject[depth] = isObject;
    this.#index[depth] = 0;
    this.#key[depth] = '';
    if (!isObject) return;
    const list = this.#keyList[depth];
    if (list === undefined) this.#keyList[depth] = [];
    else list.length = 0;
    this.#keySet[depth] = undefined;
  }

  #addKey(key: string): void {
    const depth = this.#depth;
    if (key === '__proto__' || (key === 'prototype' && depth > 1 && this.#isObject[depth - 1] === true && this.#key[depth - 1] === 'constructor')) {
      this.#fail(this.#path(depth), 'is a forbidden key (prototype poisoning)');
    }
    const set = this.#keySet[depth];
    if (set !== undefined) {
      if (set.has(key)) this.#duplicate(depth);
      set.add(key);
      return;
    }
    const list = this.#keyList[depth] ?? [];
    if (list.includes(key)) this.#duplicate(depth);
    list.push(key);
    if (list.length > KEYS_IN_LIST) this.#keySet[depth] = new Set(list);
  }

  #duplicate(depth: number): never {
    return this.#fail(this.#path(depth), 'is given more than once in one object');
  }

  /**
   * Skips a string whose content starts at `start`; returns the index of its closing quote, or -1
   * when unterminated or malformed. Notes in `#problem` a `\u` escape of NUL or of a lone surrogate; the rest
   * of the escape grammar is JSON.parse's.
   */
  #skipString(start: number): number {
    const text = this.#text;
    this.#escaped = false;
    this.#problem = undefined;
    let at = start;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote < 0) return -1;
      if (this.#backslash >= 0 && this.#backslash < at) this.#backslash = text.indexOf('\\', at);
      const slash = this.#backslash;
      if (slash < 0 || slash > quote) return quote;
      this.#escaped = true;
      if (text.charCodeAt(slash + 1) !== LETTER_U) {
        at = slash + 2;
        continue;
      }
      const unit = hex4(text, slash + 2);
      if (unit < 0) return -1; // a malformed escape: JSON.parse names it
      at = slash + 6;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = text.charCodeAt(at) === BACKSLASH && text.charCodeAt(at + 1) === LETTER_U ? hex4(text, at + 2) : -1;
        if (low >= 0xdc00 && low <= 0xdfff) at += 6;
        else this.#problem ??= LONE_SURROGATE_MESSAGE;
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        this.#problem ??= LONE_SURROGATE_MESSAGE;
      } else if (unit === 0) {
        this.#problem ??= NUL_MESSAGE;
      }
    }
  }

  /** The path (`memories[0].metadata.a`) of the value at the current position of container `depth`. */
  #path(depth: number): string {
    let path = '';
    for (let d = 1; d <= depth; d++) {
      path = this.#isObject[d] === true ? joinPath(path, this.#key[d] ?? '') : `${path}[${this.#index[d] ?? 0}]`;
    }
    return path;
  }

  #fail(path: string, message: string): never {
    throw validationError([{ field: path === '' ? 'body' : path, message, location: 'body' }]);
  }
}

/** A key's text with its escapes decoded, or undefined when JSON.parse finds them malformed (it reports that itself later). */
function decodeKey(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

/** `key` appended to `path` as a message shows it: shortened, and lone surrogates as U+FFFD so that the answer stays valid Unicode. */
function joinPath(path: string, key: string): string {
  const short = key.length > SEGMENT_CHARS ? `${key.slice(0, SEGMENT_CHARS - 1)}…` : key;
  const shown = short.replace(LONE_SURROGATE, '\uFFFD');
  return path === '' ? shown : `${path}.${shown}`;
}

/** The value of four hex digits at `at`, or -1 when they are not four hex digits. */
function hex4(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 4; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}
