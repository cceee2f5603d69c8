// Mastra messages as memOS `message` episodes of the thread's session. Episodes are append-only:
// saving a message again (Mastra re-saves a streaming answer under the same id) appends the new
// version and then deletes the old one, and every read keeps only the latest episode per message id.
import type { Episode, EpisodeDraft } from '@memos/client';
import type { MastraDBMessage } from '@mastra/core/memory';
import { deleteEpisodes, latestById, ownedBy, scanEpisodes } from './episode-scan.js';
import { KIND, META, memosId, type MemosScope } from './memos-scope.js';
import { episodeToMessage, messageToEpisode } from './record-codec.js';

const WRITE_BATCH = 500;
const HINTS = 10_000;

export interface DateRange {
  start?: Date | undefined;
  end?: Date | undefined;
}

const MIN_TIME = Date.parse('0001-01-02T00:00:00Z');
const MAX_TIME = Date.parse('9999-12-30T00:00:00Z');

/**
 * `from`/`to` of an episode listing that holds every message of `range` (occurredAt is the
 * message's createdAt; `to` is exclusive, so one millisecond past the end). The range itself is
 * applied exactly afterwards, with its own exclusivity; an empty or unstorable range is left to that.
 */
function timeWindow(range: DateRange | undefined): { from?: string; to?: string } {
  const start = range?.start === undefined ? undefined : new Date(range.start).getTime();
  const end = range?.end === undefined ? undefined : new Date(range.end).getTime() + 1;
  if (start !== undefined && end !== undefined && start >= end) return {};
  const inRange = (ms: number | undefined): ms is number => ms !== undefined && ms > MIN_TIME && ms < MAX_TIME; // NaN is out too
  return { ...(inRange(start) ? { from: new Date(start).toISOString() } : {}), ...(inRange(end) ? { to: new Date(end).toISOString() } : {}) };
}

export class MessageLog {
  readonly #scope: MemosScope;
  /** Message id → the episode that last held it, as seen by this process: a hint, always checked. */
  readonly #hints = new Map<string, string>();

  constructor(scope: MemosScope) {
    this.#scope = scope;
  }

  /** The latest episode of every message of a thread (or of a resource, across its threads). */
  async read(where: { threadId?: string; resourceId?: string; range?: DateRange }): Promise<Map<string, Episode>> {
    const { threadId, resourceId, range } = where;
    const episodes = await scanEpisodes(
      this.#scope,
      {
        kind: [KIND.message],
        ...(threadId === undefined ? {} : { sessionId: memosId(threadId, 'threadId') }),
        ...(resourceId === undefined ? {} : { userId: memosId(resourceId, 'resourceId') }),
        ...timeWindow(range),
      },
      'message',
    );
    const latest = latestById(episodes);
    for (const [id, episode] of latest) this.#remember(id, episode.id);
    return latest;
  }

  async readMessages(where: { threadId?: string; resourceId?: string; range?: DateRange }): Promise<MastraDBMessage[]> {
    return [...(await this.read(where)).values()].map(episodeToMessage);
  }

  /** The latest episode of each of `ids` that exists, wherever it is in the namespace. */
  async find(ids: string[]): Promise<Map<string, Episode>> {
    const found = new Map<string, Episode>();
    for (const id of new Set(ids)) {
      const hint = this.#hints.get(id);
      if (hint === undefined) continue;
      const episode = await this.#get(hint);
      if (episode !== undefined && episode.metadata[META.id] === id && ownedBy(this.#scope, episode, 'message')) found.set(id, episode);
    }
    // A message this process has not seen: memOS lists the episodes that carry its id.
    for (const id of ids.filter((wanted) => !found.has(wanted))) {
      const episode = latestById(await scanEpisodes(this.#scope, { kind: [KIND.message], metadata: { [META.id]: id } }, 'message')).get(id);
      if (episode === undefined) continue;
      found.set(id, episode);
      this.#remember(id, episode.id);
    }
    return found;
  }

  /** Saves messages, replacing earlier versions of the same ids. */
  async save(messages: MastraDBMessage[]): Promise<void> {
    const drafts = messages.map((message, index) => messageToEpisode(message, index));
    const replaced = await this.#earlierVersions(drafts);
    for (let start = 0; start < drafts.length; start += WRITE_BATCH) {
      const batch = drafts.slice(start, start + WRITE_BATCH);
      const { ids } = await this.#scope.client.episodes.write({
        episodes: batch,
        ...(this.#scope.agentId === undefined ? {} : { agentId: this.#scope.agentId }),
      });
      batch.forEach((draft, index) => this.#remember(draft.metadata![META.id] as string, ids[index]!));
    }
    await deleteEpisodes(this.#scope, replaced);
  }

  /** Deletes the episodes that held `ids`, and forgets them. */
  async delete(episodes: Iterable<Episode>): Promise<void> {
    const list = [...episodes];
    await deleteEpisodes(this.#scope, list.map((episode) => episode.id));
    for (const episode of list) this.#hints.delete(episode.metadata[META.id] as string);
  }

  /**
   * Episodes that hold earlier versions of the drafts' messages: found by the hints and by the
   * thread's messages at the same instants (a message saved again keeps its createdAt).
   */
  async #earlierVersions(drafts: EpisodeDraft[]): Promise<Set<string>> {
    const ids = new Set(drafts.map((draft) => draft.metadata![META.id] as string));
    const old = new Set<string>();
    for (const id of ids) {
      const hint = this.#hints.get(id);
      if (hint !== undefined) old.add(hint);
    }
    const byThread = new Map<string, number[]>();
    for (const draft of drafts) {
      const times = byThread.get(draft.sessionId!) ?? [];
      times.push(Date.parse(draft.occurredAt!));
      byThread.set(draft.sessionId!, times);
    }
    for (const [threadId, times] of byThread) {
      const from = new Date(Math.min(...times)).toISOString();
      const to = new Date(Math.max(...times) + 1).toISOString();
      const episodes = await scanEpisodes(this.#scope, { kind: [KIND.message], sessionId: threadId, from, to }, 'message');
      for (const episode of episodes) if (ids.has(episode.metadata[META.id] as string)) old.add(episode.id);
    }
    return old;
  }

  async #get(episodeId: string): Promise<Episode | undefined> {
    try {
      return await this.#scope.client.episodes.get(episodeId);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'E_NOT_FOUND') return undefined;
      throw error;
    }
  }

  #remember(messageId: string, episodeId: string): void {
    this.#hints.delete(messageId);
    this.#hints.set(messageId, episodeId);
    if (this.#hints.size > HINTS) this.#hints.delete(this.#hints.keys().next().value!);
  }
}
