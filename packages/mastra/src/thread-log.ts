// Mastra threads as `mastra.thread` episodes: durable (no idle TTL, unlike a live memOS session),
// in the session whose id is the thread id, owned by the memOS user whose id is the resource id.
// An update appends the new version and deletes the old; reads keep the latest.
import type { Episode } from '@memos/client';
import type { StorageThreadType } from '@mastra/core/memory';
import { deleteEpisodes, latestById, scanEpisodes } from './episode-scan.js';
import { KIND, META, memosId, type MemosScope } from './memos-scope.js';
import { episodeToThread, threadToEpisode } from './record-codec.js';

export class ThreadLog {
  readonly #scope: MemosScope;

  constructor(scope: MemosScope) {
    this.#scope = scope;
  }

  /** Every record episode of the thread (its versions), newest last. */
  async #records(threadId: string): Promise<Episode[]> {
    const episodes = await scanEpisodes(this.#scope, { kind: [KIND.thread], sessionId: memosId(threadId, 'threadId') }, 'thread');
    return episodes.filter((episode) => episode.metadata[META.id] === threadId).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async get(threadId: string): Promise<StorageThreadType | null> {
    const latest = (await this.#records(threadId)).at(-1);
    return latest === undefined ? null : episodeToThread(latest);
  }

  /** Writes `thread` as the thread's current version and deletes the versions before it. */
  async save(thread: StorageThreadType): Promise<StorageThreadType> {
    const draft = threadToEpisode(thread);
    const before = await this.#records(thread.id);
    await this.#scope.client.episodes.write({
      episodes: [draft],
      ...(this.#scope.agentId === undefined ? {} : { agentId: this.#scope.agentId }),
    });
    await deleteEpisodes(this.#scope, before.map((episode) => episode.id));
    return { ...thread, metadata: thread.metadata ?? {} };
  }

  /** The current version of every thread, of one resource when named. */
  async list(resourceId: string | undefined): Promise<StorageThreadType[]> {
    const episodes = await scanEpisodes(
      this.#scope,
      { kind: [KIND.thread], ...(resourceId === undefined ? {} : { userId: memosId(resourceId, 'filter.resourceId') }) },
      'thread',
    );
    return [...latestById(episodes).values()].map(episodeToThread);
  }

  /** Deletes every episode this store wrote in the thread's session: its messages and its record. */
  async delete(threadId: string): Promise<void> {
    const sessionId = memosId(threadId, 'threadId');
    const ids: string[] = [];
    for (const record of ['message', 'thread'] as const) {
      const episodes = await scanEpisodes(this.#scope, { sessionId }, record);
      for (const episode of episodes) if (episode.metadata[META.threadId] === threadId) ids.push(episode.id);
    }
    await deleteEpisodes(this.#scope, ids);
  }
}
