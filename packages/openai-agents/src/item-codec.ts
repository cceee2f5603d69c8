// How one Agents SDK item becomes one memOS session message and back. The message's `content`
// holds the item's readable text (what memOS's context and recall read); its metadata holds the
// rest of the item, with each text it lifted out replaced by a reference into `content`. The texts
// are stored once, so an item's size is bounded by memOS's content limit, not its metadata limit.
import type { AgentInputItem } from '@openai/agents-core';
import { isMemosId, type Message } from '@memos/client';

/** The metadata key that holds an item's encoding (a JSON string, so that its depth is one). */
export const ITEM_METADATA_KEY = 'openaiAgentsItem';
/** The metadata key that holds the item's `type` (`message`, `function_call`, …), to filter episodes on. */
export const ITEM_TYPE_METADATA_KEY = 'openaiAgentsItemType';

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool';

/** A session message as memOS's append and put take it. */
export interface MessageDraft {
  role: MessageRole;
  content: string;
  name?: string;
  metadata: Record<string, unknown>;
}

/** Keys whose string values are prose or call arguments: they go to `content`. */
const TEXT_KEYS = new Set(['text', 'refusal', 'arguments', 'output', 'content']);

type Path = Array<string | number>;
/** The stored form: the item without its texts, where each text sits in `content`, and `content`'s length as written. */
interface Encoding {
  v: 1;
  item: unknown;
  texts: Array<[Path, number, number]>;
  length: number;
}

/** The memOS message that stores `item`: readable text in `content`, the item's structure in metadata. */
export function encodeItem(item: AgentInputItem): MessageDraft {
  const record = item as unknown as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : 'message';
  const lifted: Array<[Path, string]> = [];
  const skeleton = lift(record, [], lifted);

  let prefix = labelOf(record, type);
  const body = lifted.map(([, text]) => text).join('\n');
  // memOS refuses blank content; an item with no text (an image, an empty call) is named instead.
  if ((prefix + body).trim() === '') prefix = `[${type}]`;
  if (prefix !== '' && body !== '') prefix += ' ';

  const texts: Encoding['texts'] = [];
  let at = prefix.length;
  for (const [path, text] of lifted) {
    texts.push([path, at, at + text.length]);
    at += text.length + 1;
  }
  const content = prefix + body;
  const encoding: Encoding = { v: 1, item: skeleton, texts, length: content.length };
  const name = isMemosId(record.name) ? record.name : undefined;
  return {
    role: roleOf(record, type),
    content,
    ...(name === undefined ? {} : { name }),
    metadata: { [ITEM_METADATA_KEY]: JSON.stringify(encoding), [ITEM_TYPE_METADATA_KEY]: type },
  };
}

/** A session message, or an episode that one was promoted into: what decoding reads. */
export interface StoredMessage {
  role?: Message['role'] | undefined;
  content: string;
  name?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * The item a stored message (or the episode it became) holds. A message this package did not
 * write (another client's append), or whose content no longer matches its encoding, is read as a
 * plain message of its role.
 */
export function decodeMessage(message: StoredMessage): AgentInputItem {
  const encoded = message.metadata?.[ITEM_METADATA_KEY];
  const encoding = typeof encoded === 'string' ? parseEncoding(encoded) : undefined;
  if (encoding === undefined || encoding.length !== message.content.length) return plainItem(message);
  const item = structuredClone(encoding.item);
  for (const [path, start, end] of encoding.texts) place(item, path, message.content.slice(start, end));
  return item as AgentInputItem;
}

/** Copies `value`, moving each non-empty string under a text key into `lifted` (provider data stays as it is). */
function lift(value: unknown, path: Path, lifted: Array<[Path, string]>): unknown {
  if (Array.isArray(value)) return value.map((entry, index) => lift(entry, [...path, index], lifted));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined) continue;
    if (TEXT_KEYS.has(key) && typeof entry === 'string' && entry !== '') {
      lifted.push([[...path, key], entry]);
      copy[key] = '';
    } else {
      copy[key] = key === 'providerData' ? entry : lift(entry, [...path, key], lifted);
    }
  }
  return copy;
}

function place(target: unknown, path: Path, text: string): void {
  let node = target as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = text;
}

function parseEncoding(encoded: string): Encoding | undefined {
  try {
    const parsed = JSON.parse(encoded) as Partial<Encoding>;
    return parsed.v === 1 && typeof parsed.item === 'object' && Array.isArray(parsed.texts) && typeof parsed.length === 'number' ? (parsed as Encoding) : undefined;
  } catch {
    return undefined;
  }
}

/** Messages speak for themselves; other items say what they are, so that a reader of memOS can tell a call from prose. */
function labelOf(record: Record<string, unknown>, type: string): string {
  if (type === 'message') return '';
  const name = typeof record.name === 'string' ? ` ${record.name}` : '';
  return `[${type}${name}]`;
}

/** Results and outputs of tools are `tool` messages; calls, reasoning and the rest are the assistant's. */
function roleOf(record: Record<string, unknown>, type: string): MessageRole {
  if (type === 'message' && (record.role === 'user' || record.role === 'system' || record.role === 'assistant')) return record.role;
  if (type.endsWith('_result') || type.endsWith('_output')) return 'tool';
  return 'assistant';
}

/** A message without an item: user and system text as it is, an assistant's as output text, a tool's as a system note. */
function plainItem(message: StoredMessage): AgentInputItem {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: message.content }] };
    case 'system':
      return { role: 'system', content: message.content };
    default:
      return { role: 'system', content: `[tool${message.name === undefined ? '' : ` ${message.name}`}] ${message.content}` };
  }
}
