import type { Episode } from '@memos/client';
import {
  MastraVector,
  type CreateIndexParams,
  type DeleteIndexParams,
  type DeleteVectorParams,
  type DeleteVectorsParams,
  type DescribeIndexParams,
  type IndexStats,
  type QueryResult,
  type QueryVectorParams,
  type UpdateVectorParams,
  type UpsertVectorParams,
} from '@mastra/core/vector';
import { scanEpisodes } from './episode-scan.js';
import { KIND, META, memosId, notSupported, type MemosScope } from './memos-scope.js';
import type { MemosEmbedder } from './memos-embedder.js';
import { searchScope } from './vector-filter.js';

export interface MemosVectorOptions extends MemosScope {
  /** The embedder given to Mastra's Memory: its vectors are the ones this store can search by. */
  embedder: MemosEmbedder;
  /** The vector store's id in Mastra; default `memos`. */
  id?: string;
}

/** memOS's search answers at most this many hits (its default `search.maxLimit`). */
const MAX_TOP_K = 100;

/**
 * Mastra's vector store on memOS recall, for Mastra's semantic recall. memOS already holds every
 * message as an episode that it embeds and indexes itself, so this store keeps no vectors: a query
 * vector is turned back into its text (it came from `memosEmbedder`) and searched with memOS's
 * hybrid recall over the messages MemosStore wrote; each hit is answered with the metadata Mastra
 * reads (`message_id`, `thread_id`, `resource_id`). Upserts only learn the text of each vector, and
 * deletes do nothing: the storage's writes and deletes of messages are what change memOS's index.
 */
export class MemosVector extends MastraVector {
  readonly #scope: MemosScope;
  readonly #embedder: MemosEmbedder;
  /** Index name → dimension: Mastra names its indexes; memOS has one index per embedding model, its own. */
  readonly #indexes = new Map<string, number>();

  constructor(options: MemosVectorOptions) {
    super({ id: options?.id ?? 'memos' });
    if (options?.client === undefined) throw new TypeError('client is required: a MemosClient for the namespace MemosStore writes to');
    if (options.embedder?.texts === undefined) throw new TypeError('embedder is required: memosEmbedder(client), the one given to Memory as `embedder`');
    if (options.agentId !== undefined) memosId(options.agentId, 'agentId');
    this.#scope = { client: options.client, ...(options.agentId === undefined ? {} : { agentId: options.agentId }) };
    this.#embedder = options.embedder;
  }

  async createIndex({ indexName, dimension }: CreateIndexParams): Promise<void> {
    this.#indexes.set(indexName, dimension);
  }

  async listIndexes(): Promise<string[]> {
    return [...this.#indexes.keys()];
  }

  async describeIndex({ indexName }: DescribeIndexParams): Promise<IndexStats> {
    const dimension = this.#indexes.get(indexName);
    if (dimension === undefined) throw new Error(`Index ${indexName} does not exist`);
    const messages = await scanEpisodes(this.#scope, { kind: [KIND.message] }, 'message');
    return { dimension, count: messages.length, metric: 'cosine' };
  }

  async deleteIndex({ indexName }: DeleteIndexParams): Promise<void> {
    this.#indexes.delete(indexName);
  }

  /** Learns each vector's text; the messages themselves were written (and embedded by memOS) by MemosStore. */
  async upsert({ vectors, metadata, ids }: UpsertVectorParams): Promise<string[]> {
    if (!Array.isArray(vectors)) throw new TypeError('vectors must be an array of vectors');
    return vectors.map((vector, index) => {
      const meta = metadata?.[index];
      const messageId = meta?.message_id;
      if (typeof messageId !== 'string' || typeof meta?.content !== 'string') {
        throw notSupported('MemosVector.upsert of vectors other than Mastra messages', `metadata[${index}] needs message_id and content: memOS embeds and searches the text it holds, and cannot store foreign vectors`);
      }
      this.#embedder.texts.remember(vector, meta.content);
      return ids?.[index] ?? messageId;
    });
  }

  async query({ queryVector, topK = 10, filter }: QueryVectorParams): Promise<QueryResult[]> {
    if (queryVector === undefined) throw notSupported('MemosVector.query without queryVector', 'memOS searches by meaning, so a query needs a vector from memosEmbedder');
    const text = this.#embedder.texts.textOf(queryVector);
    if (text === undefined) {
      throw notSupported('MemosVector.query with a vector memosEmbedder did not make', 'memOS searches by text, so give Memory `embedder: memosEmbedder(client)` and the same embedder to MemosVector');
    }
    if (!Number.isInteger(topK) || topK < 1) throw new TypeError('topK must be a whole number >= 1');
    const scope = searchScope(filter);
    const answer = await this.#scope.client.search({
      query: text.slice(0, 4096),
      types: ['episodes'],
      limit: Math.min(topK, MAX_TOP_K),
      ...(this.#scope.agentId === undefined ? {} : { agentId: this.#scope.agentId }),
      ...(scope.userId === undefined ? {} : { userId: scope.userId }),
      ...(scope.sessionId === undefined ? {} : { sessionId: scope.sessionId }),
      filters: { kind: KIND.message, metadata: { [META.record]: 'message', ...scope.metadata } },
    });
    return answer.hits.flatMap((hit) => (hit.type === 'episode' && hit.item.agentId === this.#scope.agentId ? [toResult(hit.item, hit.score)] : []));
  }

  async updateVector(_params: UpdateVectorParams): Promise<void> {
    throw notSupported('MemosVector.updateVector', 'a message’s vector follows its text: update the message through the storage');
  }

  /** Nothing to do: a message's vector lives and dies with the message, which the storage deletes. */
  async deleteVector(_params: DeleteVectorParams): Promise<void> {}

  /** Nothing to do: Mastra calls this beside the storage's own deletes and updates of the same messages. */
  async deleteVectors(_params: DeleteVectorsParams): Promise<void> {}
}

function toResult(episode: Episode, score: number): QueryResult {
  const meta = episode.metadata;
  return {
    id: meta[META.id] as string,
    score,
    metadata: {
      message_id: meta[META.id],
      thread_id: meta[META.threadId],
      ...(typeof meta[META.resourceId] === 'string' ? { resource_id: meta[META.resourceId] } : {}),
      role: meta[META.role],
      content: episode.content,
      created_at: meta[META.createdAt] ?? episode.occurredAt,
    },
  };
}
