// The Agents SDK's `Session` on memOS's short-term tier. memOS keeps the newest `sessions.window`
// messages of a session and promotes older ones into episodes, so a long conversation's history
// stays searchable while the model is replayed only the window.
import { isMemosError, MemosError, type Episode, type MemosClient, type Message, type Session as MemosSessionRecord } from '@memos/client';
import type { AgentInputItem, Session } from '@openai/agents-core';
import { decodeMessage, encodeItem, ITEM_METADATA_KEY } from './item-codec.js';
import { checkBatchSize, checkId, checkItems, checkLimit, checkTtl } from './checks.js';

export interface MemosSessionOptions {
  /** The memOS client; it carries the namespace and the key, so the session lives in that namespace. */
  client: MemosClient;
  /** The memOS session id (1 to 128 of A-Z a-z 0-9 . _ : @ -); the SDK's session id. */
  sessionId: string;
  /** The user the session belongs to; a session of another user is refused (`E_CONFLICT`). */
  userId: string;
  /** The agent in the conversation, when there is one. */
  agentId?: string;
  /** The session's idle time to live in seconds (memOS's default when absent); expiry promotes its messages to episodes. */
  ttlSeconds?: number;
  /** Most items sent in one append (default 100, at most memOS's `limits.batchItems`). */
  batchSize?: number;
}

/**
 * A conversation history for the OpenAI Agents SDK (`run(agent, input, { session })`) kept in a
 * memOS session. Each item is one memOS message: its readable text in `content`, the whole item
 * in metadata, so `getItems` answers the items exactly as they were added. Items that overflow
 * memOS's session window become episodes of the session (never dropped) and leave `getItems`.
 */
export class MemosSession implements Session {
  readonly #client: MemosClient;
  readonly #sessionId: string;
  readonly #userId: string;
  readonly #agentId: string | undefined;
  readonly #ttlSeconds: number | undefined;
  readonly #batchSize: number;

  constructor(options: MemosSessionOptions) {
    if (typeof options !== 'object' || options === null) throw new MemosError('E_VALIDATION', 'options: must be an object with client, sessionId and userId');
    if (typeof options.client !== 'object' || options.client === null || typeof options.client.sessions !== 'object') {
      throw new MemosError('E_VALIDATION', 'client: must be a MemosClient from @memos/client');
    }
    this.#client = options.client;
    this.#sessionId = checkId('sessionId', options.sessionId);
    this.#userId = checkId('userId', options.userId);
    this.#agentId = options.agentId === undefined ? undefined : checkId('agentId', options.agentId);
    this.#ttlSeconds = checkTtl(options.ttlSeconds);
    this.#batchSize = checkBatchSize(options.batchSize);
  }

  async getSessionId(): Promise<string> {
    return this.#sessionId;
  }

  /**
   * The items in memOS's window, oldest first; with `limit`, the newest `limit` of them. Older
   * items are episodes now. A tool result whose call is no longer in the window is left out too:
   * models refuse an output without its call, and the result is in the episodes with the call.
   */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    checkLimit(limit);
    if (limit === 0) return [];
    const messages = (await this.#read())?.messages ?? [];
    return withoutOrphanResults((limit === undefined ? messages : messages.slice(-limit)).map(decodeMessage));
  }

  /** Appends the items in order; those that push older ones out of the window promote them to episodes. */
  async addItems(items: AgentInputItem[]): Promise<void> {
    checkItems(items);
    for (let start = 0; start < items.length; start += this.#batchSize) {
      await this.#client.sessions.appendMessages(this.#sessionId, {
        userId: this.#userId,
        ...(this.#agentId === undefined ? {} : { agentId: this.#agentId }),
        ...(this.#ttlSeconds === undefined ? {} : { ttlSeconds: this.#ttlSeconds }),
        messages: items.slice(start, start + this.#batchSize).map(encodeItem),
      });
    }
  }

  /**
   * Removes the newest item and answers it (undefined when the window is empty). memOS has no
   * "remove the last message", so this reads the session and writes it back without that message
   * (state, summary and TTL kept). memOS promotes the message a put drops into an episode; that
   * episode is deleted, so the item is gone from every tier, as the SDK means. Messages another
   * writer appended between the read and the write are promoted by the put too: they are appended
   * again (and their episodes deleted), so they end where they were, after the popped one.
   */
  async popItem(): Promise<AgentInputItem | undefined> {
    const session = await this.#read();
    const last = session?.messages.at(-1);
    if (session === undefined || last === undefined) return undefined;
    const written = await this.#client.sessions.put(this.#sessionId, {
      userId: session.userId ?? this.#userId,
      ...(session.agentId === undefined ? {} : { agentId: session.agentId }),
      messages: session.messages.slice(0, -1).map(resend),
      state: session.state,
      ...(session.summary === undefined ? {} : { summary: session.summary }),
      ttlSeconds: session.ttlSeconds,
    });
    const displaced = await this.#deletePromotedCopy(written.promotedEpisodeIds, last);
    // A put that created the session found it expired: what it promoted is the old session, not a concurrent append.
    if (!written.created && displaced.length > 0) await this.#restore(displaced);
    return decodeMessage(last);
  }

  /**
   * Deletes the memOS session: its window, state and summary, without promoting them. Episodes
   * that earlier overflow already made stay in the episodic tier (delete them by `sessionId` to
   * erase the whole conversation). Clearing a session that is not live is not an error; another
   * user's session is an `E_CONFLICT`.
   */
  async clearSession(): Promise<void> {
    // Read first: memOS's delete does not ask whose session it is, and this scope must not reach another user's.
    if ((await this.#read()) === undefined) return;
    try {
      await this.#client.sessions.delete(this.#sessionId);
    } catch (error) {
      if (!(isMemosError(error) && error.code === 'E_NOT_FOUND')) throw error;
    }
  }

  /** The live session, or undefined when there is none; another user's is an `E_CONFLICT`. */
  async #read(): Promise<MemosSessionRecord | undefined> {
    let session: MemosSessionRecord;
    try {
      session = await this.#client.sessions.get(this.#sessionId);
    } catch (error) {
      if (isMemosError(error) && error.code === 'E_NOT_FOUND') return undefined;
      throw error;
    }
    // A key that reaches several users can read any of their sessions; this scope must not.
    if (session.userId !== undefined && session.userId !== this.#userId) {
      throw new MemosError('E_CONFLICT', `sessionId: session '${this.#sessionId}' belongs to another user`);
    }
    return session;
  }

  /** Deletes the one episode of `promoted` that is the popped message; answers the others, oldest first. */
  async #deletePromotedCopy(promoted: string[], popped: Message): Promise<Episode[]> {
    const others: Episode[] = [];
    let found = false;
    for (const id of promoted) {
      const episode = await this.#client.episodes.get(id);
      const isPopped = episode.role === popped.role && episode.content === popped.content && episode.metadata[ITEM_METADATA_KEY] === popped.metadata?.[ITEM_METADATA_KEY];
      if (isPopped && !found) {
        await this.#client.episodes.delete(id);
        found = true;
      } else {
        others.push(episode);
      }
    }
    return others;
  }

  /** Appends promoted messages back to the session, as they were, and deletes their episodes. */
  async #restore(episodes: Episode[]): Promise<void> {
    await this.#client.sessions.appendMessages(this.#sessionId, {
      userId: this.#userId,
      messages: episodes.map((episode) => {
        // Promotion adds `name` and `promotedFrom` to the message's metadata; the rest is the message's own.
        const { name, promotedFrom: _promotedFrom, ...metadata } = episode.metadata;
        return {
          role: episode.role ?? 'user',
          content: episode.content,
          createdAt: episode.occurredAt,
          ...(typeof name === 'string' ? { name } : {}),
          ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
        };
      }),
    });
    for (const episode of episodes) await this.#client.episodes.delete(episode.id);
  }
}

/** The items less the results (`*_result`, `*_output`) whose `callId` no call among them has. */
function withoutOrphanResults(items: AgentInputItem[]): AgentInputItem[] {
  const fields = (item: AgentInputItem) => item as { type?: unknown; callId?: unknown };
  const isResult = (item: AgentInputItem) => {
    const { type, callId } = fields(item);
    return typeof type === 'string' && typeof callId === 'string' && (type.endsWith('_result') || type.endsWith('_output'));
  };
  const calls = new Set<unknown>(items.filter((item) => !isResult(item)).map((item) => fields(item).callId));
  return items.filter((item) => !isResult(item) || calls.has(fields(item).callId));
}

/** A stored message as a put takes it back: its time and metadata kept, so that memOS sees it as unchanged. */
function resend(message: Message) {
  return {
    role: message.role,
    content: message.content,
    createdAt: message.createdAt,
    ...(message.name === undefined ? {} : { name: message.name }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
  };
}
