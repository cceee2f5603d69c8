// How a LangGraph item is kept as a memOS memory, and read back: the slot (`key`) it occupies, the
// text memOS embeds (`content`), and the metadata that carries the item itself. README "Mapping".
import type { Memory } from '@memos/client';
import type { Item } from '@langchain/langgraph-checkpoint';

/** Metadata keys the store writes on every item's memory; nothing else in memOS uses the `lg_` prefix. */
export const META = {
  /** `true` on every memory that holds a LangGraph item. */
  marker: 'lg_item',
  /** The namespace tuple, as a JSON array. */
  namespace: 'lg_ns',
  /** The tuple's length. */
  depth: 'lg_depth',
  /** The item's key. */
  key: 'lg_key',
  /** The store's agentId, or "" when it has none: lets a search keep to one agent without a server-side "no agent" filter. */
  agent: 'lg_agent',
  /** The item's value, as JSON text: read back exactly, and never reordered by a JSON column. */
  value: 'lg_value',
  /** When the item was first put (since its last delete): the slot's first version. */
  createdAt: 'lg_created_at',
  /** Whether the item has indexed text; a query only ranks those that do. */
  indexed: 'lg_indexed',
} as const;

/** `lg_ns_0`, `lg_ns_1`…: one namespace level each, so that a prefix is a set of equality filters. */
export const levelKey = (level: number) => `lg_ns_${level}`;

/** `lg_v.<field>`: a top-level scalar field of the value, copied so that `filter` can run in memOS. */
export const fieldKey = (field: string) => `lg_v.${field}`;
const FIELD_NAME = /^[A-Za-z0-9_.:-]{1,59}$/;
/** Longest string field copied for filtering: longer ones are filtered by the store after memOS answers. */
const MAX_COPIED_STRING = 256;

const SLOT_PREFIX = 'lg:';
const MAX_SLOT = 200;
const encoder = new TextEncoder();
export const byteLength = (text: string) => encoder.encode(text).length;

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)));
}


/**
 * The memOS slot of an item: `lg:["ns0","ns1","key"]`, or, when that is longer than a slot may be
 * (200 characters) or holds a control character, `lg#` and the SHA-256 of it.
 */
export async function slotKey(namespace: readonly string[], key: string): Promise<string> {
  const plain = SLOT_PREFIX + JSON.stringify([...namespace, key]);
  if (plain.length <= MAX_SLOT && !/\p{Cc}/u.test(plain)) return plain;
  const digest = await sha256(plain);
  return `lg#${btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export interface MemoryText {
  content: string;
  indexed: boolean;
}

/** The content of an item's memory: its indexed texts (or its path, when none), within `maxBytes`. */
export function memoryContent(namespace: readonly string[], key: string, texts: string[], maxBytes: number): MemoryText {
  const body = texts.length > 0 ? texts.join('\n\n') : `LangGraph item ${namespace.join('/')} / ${key}`;
  return { content: clip(body, maxBytes), indexed: texts.length > 0 };
}

/** `text` cut to at most `maxBytes` of UTF-8, at a character boundary (memOS embeds no more of a long text anyway). */
function clip(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

export interface MetadataInput {
  namespace: readonly string[];
  key: string;
  value: Record<string, unknown>;
  agentId: string | undefined;
  /** The item's createdAt when the slot already holds it; absent for a new item (the memory's own createdAt is then the item's). */
  createdAt: string | undefined;
  indexed: boolean;
  /** The metadata of the slot's current memory: copied fields it has and the value no longer has are cleared. */
  previous: Record<string, unknown> | undefined;
  maxBytes: number;
}

/** The metadata of an item's memory; throws when the value itself cannot fit in `maxBytes`. */
export function itemMetadata(input: MetadataInput): Record<string, unknown> {
  const { namespace, key, value, agentId, createdAt, indexed, previous, maxBytes } = input;
  const metadata: Record<string, unknown> = {
    [META.marker]: true,
    [META.namespace]: JSON.stringify(namespace),
    [META.depth]: namespace.length,
    [META.key]: key,
    [META.agent]: agentId ?? '',
    [META.value]: JSON.stringify(value),
    [META.indexed]: indexed,
  };
  if (createdAt !== undefined) metadata[META.createdAt] = createdAt;
  namespace.forEach((label, level) => (metadata[levelKey(level)] = label));
  // memOS merges metadata on a rewrite of the same text (incoming keys win), so copies of fields the value dropped are cleared.
  for (const name of Object.keys(previous ?? {})) if (name.startsWith('lg_v.')) metadata[name] = null;
  // Every filterable field is copied, or the put fails: a missing copy would hide the item from a filter that should find it.
  for (const [field, fieldValue] of Object.entries(value)) if (copiedField(field, fieldValue)) metadata[fieldKey(field)] = fieldValue;
  const size = byteLength(JSON.stringify(metadata));
  if (size > maxBytes) {
    throw new RangeError(
      `MemosStore: put.value is too large: memOS keeps the item (its JSON, and a copy of each top-level scalar field for filtering) in its memory's metadata, ${size} bytes here, over the ${maxBytes} bytes memOS allows (MEMOS_MAX_METADATA_BYTES; tell the store with the maxMetadataBytes option)`,
    );
  }
  return metadata;
}

const filterable = (value: unknown): value is string | number | boolean =>
  (typeof value === 'string' && value.length <= MAX_COPIED_STRING) || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

/** Whether a field's filter can run in memOS (its value was copied when it fits): else the store filters it. */
export const copiedField = (field: string, value: unknown) => FIELD_NAME.test(field) && filterable(value);

/** The item a memory holds, or undefined for a memory that is not a LangGraph item's. */
export function itemOf(memory: Memory): Item | undefined {
  const metadata = memory.metadata as Record<string, unknown>;
  if (metadata[META.marker] !== true) return undefined;
  const namespace = parse(metadata[META.namespace]);
  const value = parse(metadata[META.value]);
  const key = metadata[META.key];
  if (!Array.isArray(namespace) || typeof key !== 'string' || typeof value !== 'object' || value === null) return undefined;
  const created = typeof metadata[META.createdAt] === 'string' ? (metadata[META.createdAt] as string) : memory.createdAt;
  // An unchanged rewrite only moves lastConfirmedAt: it is still a put, so it counts as an update.
  const updated = Math.max(Date.parse(memory.updatedAt), Date.parse(memory.lastConfirmedAt));
  return { namespace: namespace as string[], key, value: value as Record<string, unknown>, createdAt: new Date(created), updatedAt: new Date(updated) };
}

function parse(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The agent a memory's item was written for, as the store compares it ("" for none). */
export const agentOf = (memory: Memory) => (memory.metadata as Record<string, unknown>)[META.agent];
