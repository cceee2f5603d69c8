// Turning generated values into request text and bytes the way a careless or hostile client
// would: repeated keys, raw number texts, deep and wide JSON, mis-encoded URLs, bad UTF-8.

import { RawJson } from './schema-values.js';

export interface TextOptions {
  /** Repeat the first key of the n-th non-empty object (in document order), modulo their count. */
  duplicateAt?: number;
  /** What the repeated key holds the second time. */
  duplicateValue?: 'same' | 'other';
}

/** JSON text of `value`; RawJson pieces go in as they are. */
export function jsonText(value: unknown, options: TextOptions = {}): string {
  let objects = 0;
  const total = options.duplicateAt === undefined ? 0 : countObjects(value);
  const target = total === 0 ? -1 : (options.duplicateAt ?? 0) % total;
  const write = (item: unknown): string => {
    if (item instanceof RawJson) return item.text;
    if (Array.isArray(item)) return `[${item.map((inner) => (inner === undefined ? 'null' : write(inner))).join(',')}]`;
    if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item).filter(([, inner]) => inner !== undefined);
      const parts = entries.map(([key, inner]) => `${JSON.stringify(key)}:${write(inner)}`);
      if (entries.length > 0 && objects++ === target) {
        const [key, inner] = entries[0]!;
        parts.push(`${JSON.stringify(key)}:${options.duplicateValue === 'other' ? JSON.stringify(typeof inner === 'string' ? 'other' : 'x') : write(inner)}`);
      }
      return `{${parts.join(',')}}`;
    }
    return JSON.stringify(item) ?? 'null';
  };
  return write(value);
}

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, inner) => sum + countObjects(inner), 0);
  if (typeof value !== 'object' || value === null || value instanceof RawJson) return 0;
  const entries = Object.values(value);
  return (entries.length > 0 ? 1 : 0) + entries.reduce((sum: number, inner) => sum + countObjects(inner), 0);
}

/** Replaces the `pick`-th slot (an object property or array item, up to 4 levels down) of `value` with `raw`; the root when it has none. */
export function placeRaw(value: unknown, raw: RawJson, pick: number): unknown {
  const slots: [container: Record<string, unknown> | unknown[], key: string | number][] = [];
  const collect = (item: unknown, depth: number) => {
    if (depth > 4 || typeof item !== 'object' || item === null || item instanceof RawJson) return;
    for (const [key, inner] of Object.entries(item)) {
      slots.push([item as Record<string, unknown>, Array.isArray(item) ? Number(key) : key]);
      collect(inner, depth + 1);
    }
  };
  const copy: unknown = structuredCloneKeepingRaw(value);
  collect(copy, 0);
  if (slots.length === 0) return raw;
  const [container, key] = slots[pick % slots.length]!;
  (container as Record<string | number, unknown>)[key] = raw;
  return copy;
}

function structuredCloneKeepingRaw(value: unknown): unknown {
  if (value instanceof RawJson || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(structuredCloneKeepingRaw);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, structuredCloneKeepingRaw(inner)]));
}

export type DeepShape = 'arrays' | 'objects' | 'mixed' | 'unclosed';

/** JSON nested `levels` deep. */
export function deepJson(shape: DeepShape, levels: number): string {
  switch (shape) {
    case 'arrays':
      return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    case 'objects':
      return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    case 'mixed':
      return `${'[{"a":'.repeat(levels)}1${'}]'.repeat(levels)}`;
    case 'unclosed':
      return '['.repeat(levels);
  }
}

/** An object of `width` distinct keys, or an array of `width` items. */
export function wideJson(kind: 'object' | 'array', width: number): string {
  const items = Array.from({ length: width }, (_, i) => (kind === 'object' ? `"k${i}":${i}` : String(i)));
  return kind === 'object' ? `{${items.join(',')}}` : `[${items.join(',')}]`;
}

/** `text` as UTF-8 with `bad` bytes spliced in after the `pick`-th quote (inside a string, mostly). */
export function spliceBytes(text: string, bad: readonly number[], pick: number): Buffer {
  const quotes: number[] = [];
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) quotes.push(i);
  const at = quotes.length === 0 ? text.length : quotes[pick % quotes.length]! + 1;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]);
}

/**
 * Percent-encodes `text` for a URL the way a lax client does: a lone surrogate becomes its CESU-8
 * bytes (`%ED%A0%BD`), which are not UTF-8, instead of throwing as encodeURIComponent does.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}
