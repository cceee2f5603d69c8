// A Mastra resource is a memOS user (userId = resource id). Its working memory is a memOS memory
// in the slot `mastra.working-memory` of that user (and the store's agent): each update
// supersedes the one before, which stays readable in the slot's history (docs/truth.md). Its
// metadata and times are a `mastra.resource` episode, written only when there is metadata to keep.
import type { Memory } from '@memos/client';
import type { StorageResourceType } from '@mastra/core/storage';
import { deleteEpisodes, latestById, scanEpisodes } from './episode-scan.js';
import { KIND, META, WORKING_MEMORY_KEY, memosId, type MemosScope } from './memos-scope.js';
import { episodeToResource, resourceToEpisode } from './record-codec.js';

type ResourceRecord = Omit<StorageResourceType, 'workingMemory'>;

export class ResourceLog {
  readonly #scope: MemosScope;

  constructor(scope: MemosScope) {
    this.#scope = scope;
  }

  #agent() {
    return this.#scope.agentId === undefined ? {} : { agentId: this.#scope.agentId };
  }

  async #record(resourceId: string): Promise<{ record?: ResourceRecord; episodeIds: string[] }> {
    const episodes = await scanEpisodes(this.#scope, { kind: [KIND.resource], userId: resourceId }, 'resource');
    const latest = latestById(episodes).get(resourceId);
    return { ...(latest === undefined ? {} : { record: episodeToResource(latest) }), episodeIds: episodes.map((episode) => episode.id) };
  }

  /** The current working-memory memory of the resource, if any. */
  async workingMemory(resourceId: string): Promise<Memory | undefined> {
    const page = await this.#scope.client.memories.list({ userId: resourceId, key: WORKING_MEMORY_KEY, ...this.#agent(), limit: 10 });
    return page.items.find((memory) => memory.agentId === this.#scope.agentId);
  }

  async get(resourceId: string): Promise<StorageResourceType | null> {
    const id = memosId(resourceId, 'resourceId');
    const [{ record }, memory] = await Promise.all([this.#record(id), this.workingMemory(id)]);
    if (record === undefined && memory === undefined) return null;
    const createdAt = record?.createdAt ?? new Date(memory!.createdAt);
    const updatedAt = [record?.updatedAt, memory === undefined ? undefined : new Date(memory.updatedAt)]
      .filter((date): date is Date => date !== undefined)
      .reduce((a, b) => (a > b ? a : b));
    return { id, metadata: record?.metadata ?? {}, createdAt, updatedAt, ...(memory === undefined ? {} : { workingMemory: memory.content }) };
  }

  async save(resource: StorageResourceType): Promise<StorageResourceType> {
    const id = memosId(resource.id, 'resource.id');
    await this.#writeRecord({ id, metadata: resource.metadata ?? {}, createdAt: resource.createdAt, updatedAt: resource.updatedAt });
    if (resource.workingMemory !== undefined) await this.setWorkingMemory(id, resource.workingMemory);
    return resource;
  }

  async update(input: { resourceId: string; workingMemory?: string; metadata?: Record<string, unknown> }): Promise<StorageResourceType> {
    const id = memosId(input.resourceId, 'resourceId');
    const now = new Date();
    const current = await this.get(id);
    const metadata = { ...(current?.metadata ?? {}), ...(input.metadata ?? {}) };
    if (input.metadata !== undefined) await this.#writeRecord({ id, metadata, createdAt: current?.createdAt ?? now, updatedAt: now });
    if (input.workingMemory !== undefined) await this.setWorkingMemory(id, input.workingMemory);
    const workingMemory = input.workingMemory ?? current?.workingMemory;
    return { id, metadata, createdAt: current?.createdAt ?? now, updatedAt: now, ...(workingMemory === undefined ? {} : { workingMemory }) };
  }

  /** Supersedes the slot with `text`; an empty text retracts the current working memory instead. */
  async setWorkingMemory(resourceId: string, text: string): Promise<void> {
    if (typeof text !== 'string') throw new TypeError('workingMemory must be a string');
    if (text.trim() === '') {
      const current = await this.workingMemory(resourceId);
      if (current !== undefined) await this.#scope.client.memories.retract(current.id, { reason: 'Mastra cleared the working memory' });
      return;
    }
    await this.#scope.client.memories.write({
      userId: resourceId,
      ...this.#agent(),
      memories: [{ content: text, kind: 'summary', key: WORKING_MEMORY_KEY, metadata: { [META.record]: 'working-memory', [META.resourceId]: resourceId } }],
    });
  }

  async #writeRecord(record: ResourceRecord): Promise<void> {
    const { episodeIds } = await this.#record(record.id);
    await this.#scope.client.episodes.write({ episodes: [resourceToEpisode(record)], ...this.#agent() });
    await deleteEpisodes(this.#scope, episodeIds);
  }
}
