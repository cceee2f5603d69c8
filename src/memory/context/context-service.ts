import type { Clock } from '../../core/clock.js';
import type { SemanticStore, SessionKey, WorkingMemoryStore } from '../../core/ports.js';
import type { Episode, Memory, Message, RecordFilter, Session } from '../../core/types.js';
import { validityFilter, type ValidityAsk } from '../truth/validity-filter.js';
import type { QueryEmbedding, QueryText, SearchInput, SearchResult, SearchType } from '../recall/search-service.js';
import { isStale, nextStaleAt, type ReviewDays } from '../freshness/staleness.js';
import { packContext, type ContextHit } from './pack-context.js';
import { reflectionsNamed, withReflections } from './task-reflections.js';
import type { TokenCounter } from './token-counter.js';

export const QUERY_SOURCES = ['request', 'last-user-message', 'none'] as const;
export type QuerySource = (typeof QUERY_SOURCES)[number];

export interface ContextInput {
  namespace: string;
  /** The session whose recent messages the bundle holds; its last user message is the query when none is given. */
  sessionId?: string;
  userId?: string;
  agentId?: string;
  /** A user-bound key's user: the session is found only when it is this user's. */
  reachUserId?: string;
  query?: string;
  tokenBudget: number;
  /** Candidates asked from search per tier. */
  limit: number;
  types: SearchType[];
  filters: SearchInput['filters'];
  /** Which memories by validity: the current ones unless asked otherwise (docs/truth.md). */
  validity?: ValidityAsk;
}

/** The key of the session a context bundle reads, within the caller's reach. */
export function sessionKeyOf(input: ContextInput, sessionId: string): SessionKey {
  return { namespace: input.namespace, sessionId, ...(input.reachUserId === undefined ? {} : { userId: input.reachUserId }) };
}

export interface ContextBundle {
  namespace: string;
  query: string | null;
  querySource: QuerySource;
  tokenBudget: number;
  /** Tokens in `text`, counted by `tokenizer`; never more than `tokenBudget`. */
  tokens: number;
  tokenizer: string;
  session: { sessionId: string; summary: string | null; messages: Message[]; omittedMessages: number } | null;
  /** Each says whether it is past its kind's review period (docs/truth.md "Freshness"). */
  memories: Array<ContextHit<Memory> & { stale: boolean }>;
  episodes: ContextHit<Episode>[];
  text: string;
  notices: string[];
}

export interface AssembledContext {
  bundle: ContextBundle;
  /**
   * Milliseconds at which the first item in the bundle expires (the session, or a memory), or a
   * memory it shows as fresh goes stale, if any does: a cached bundle must not outlive either.
   */
  expiresAt: number | undefined;
  /** Whether recall had to answer from keywords alone. */
  keywordOnly: boolean;
}

export interface ContextServiceOptions {
  /** Recall; each tier is asked separately so that `limit` holds per tier, with the query embedded once for both. */
  search: { search(input: SearchInput, embedded?: QueryEmbedding): Promise<SearchResult>; embedQuery(input: QueryText): Promise<QueryEmbedding> };
  sessions: Pick<WorkingMemoryStore, 'get'>;
  memories: Pick<SemanticStore, 'list'>;
  tokenCounter: () => Promise<TokenCounter>;
  recentMessageShare: number;
  /** Review periods by kind (truth.reviewDays): which memories the bundle marks stale. */
  reviewDays?: ReviewDays;
  clock: Clock;
}

/** Longest query taken from a user message; search takes queries up to this length too. */
const MAX_QUERY_CHARS = 4096;
/** Without a query, memories are ranked among this many times `limit` of the newest. */
const RECENT_POOL = 4;
/** Without a query, a memory's recency halves every week since it was last confirmed (docs/truth.md "Freshness"). */
const RECENCY_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

interface Recalled {
  memories: ContextHit<Memory>[];
  episodes: ContextHit<Episode>[];
  notices: string[];
  keywordOnly: boolean;
}

/**
 * The prompt-ready bundle: a session's recent messages, the memories and episodes most relevant
 * to the query (or to the session's last user message), rendered as one text within a token budget.
 * Recall is scoped exactly as search is: by namespace, user, agent and filters.
 */
export function createContextService({ search, sessions, memories, tokenCounter, recentMessageShare, reviewDays = {}, clock }: ContextServiceOptions) {
  const scopeOf = (input: ContextInput): RecordFilter => ({
    namespace: input.namespace,
    ...defined({ userId: input.userId, agentId: input.agentId }),
    ...defined(input.filters),
    ...validityFilter(input.validity, clock.now()),
  });

  /** The session, unless it is missing, expired, or belongs to another user or agent than asked for. */
  const readSession = async (input: ContextInput, sessionId: string): Promise<Session | null> => {
    const session = await sessions.get(sessionKeyOf(input, sessionId));
    const foreign = (asked: string | undefined, owner: string | undefined) => asked !== undefined && owner !== undefined && asked !== owner;
    if (session === null || foreign(input.userId, session.userId) || foreign(input.agentId, session.agentId)) return null;
    return session;
  };

  const bySearch = async (input: ContextInput, query: string): Promise<Recalled> => {
    const embedded = await search.embedQuery({ namespace: input.namespace, query });
    const results = await Promise.all(
      input.types.map((tier) =>
        search.search(
          { ...defined({ userId: input.userId, agentId: input.agentId }), namespace: input.namespace, query, types: [tier], limit: input.limit, mode: 'hybrid', filters: input.filters, ...(input.validity === undefined ? {} : { validity: input.validity }) },
          embedded,
        ),
      ),
    );
    const hits = results.flatMap((result) => result.hits);
    return {
      memories: hits.flatMap(({ type, ...hit }) => (type === 'memory' ? [hit as ContextHit<Memory>] : [])),
      episodes: hits.flatMap(({ type, ...hit }) => (type === 'episode' ? [hit as ContextHit<Episode>] : [])),
      notices: results.flatMap((result) => result.notices),
      keywordOnly: results.some((result) => result.mode !== result.requestedMode),
    };
  };

  /** Without a query: the newest memories in scope, ranked by importance and recency (decaying with age) equally. */
  const byRecencyAndImportance = async (input: ContextInput): Promise<Recalled> => {
    const none: Recalled = { memories: [], episodes: [], notices: [], keywordOnly: false };
    if (!input.types.includes('memories')) return none;
    const { items } = await memories.list({ filter: scopeOf(input), limit: input.limit * RECENT_POOL, order: 'desc' });
    const now = clock.now();
    const ranked = items.map((item): ContextHit<Memory> => {
      const recency = 0.5 ** (Math.max(0, now - Date.parse(item.lastConfirmedAt)) / RECENCY_HALF_LIFE_MS);
      return { id: item.id, score: (item.importance + recency) / 2, parts: { keyword: null, vector: null, recency, neighbours: null, time: null, speaker: null }, item, stale: isStale(item, now, reviewDays) };
    });
    return { ...none, memories: ranked.sort((a, b) => b.score - a.score).slice(0, input.limit) };
  };

  /**
   * When search found fewer memories than `limit`, the newest and most important others in scope
   * follow them, ranked below every hit: what an agent should know about a user does not depend on
   * the wording of the last message (an "allergies" question meets "allergic to shellfish").
   */
  const topUp = async (input: ContextInput, found: Recalled): Promise<Recalled> => {
    if (found.memories.length >= input.limit) return found;
    const known = new Set(found.memories.map((hit) => hit.id));
    const extra = (await byRecencyAndImportance(input)).memories.filter((hit) => !known.has(hit.id)).slice(0, input.limit - found.memories.length);
    if (extra.length === 0) return found;
    const below = Math.min(1, ...found.memories.map((hit) => hit.score)) / 2;
    return { ...found, memories: [...found.memories, ...extra.map((hit) => ({ ...hit, score: hit.score * below }))] };
  };

  /** The reflections of the tasks the query names, on top of the memories (task-reflections.ts). */
  const withTaskReflections = async (input: ContextInput, query: string, found: Recalled): Promise<Recalled> => {
    if (!input.types.includes('memories') || (input.filters.kinds !== undefined && !input.filters.kinds.includes('reflection'))) return found;
    const { kinds: _, ...filters } = input.filters;
    const scope = { namespace: input.namespace, ...defined({ userId: input.userId, agentId: input.agentId }), ...defined(filters) };
    const named = await reflectionsNamed(memories, scope, query, clock);
    const best = Math.max(0, ...found.episodes.map((hit) => hit.score));
    const now = clock.now();
    return { ...found, memories: withReflections(found.memories, best, named, (memory) => isStale(memory, now, reviewDays)) };
  };

  return {
    async assemble(input: ContextInput): Promise<AssembledContext> {
      const notices: string[] = [];
      const session = input.sessionId === undefined ? null : await readSession(input, input.sessionId);
      if (input.sessionId !== undefined && session === null) notices.push(`session '${input.sessionId}' was not found or has expired`);

      const lastUserMessage = session?.messages.findLast((message) => message.role === 'user')?.content.slice(0, MAX_QUERY_CHARS);
      const query = input.query ?? lastUserMessage ?? null;
      const querySource: QuerySource = input.query !== undefined ? 'request' : lastUserMessage !== undefined ? 'last-user-message' : 'none';
      const recalled = query === null ? await byRecencyAndImportance(input) : await withTaskReflections(input, query, await topUp(input, await bySearch(input, query)));
      if (query === null) notices.push('no query and no user message in the session: memories are the newest and most important ones, and no episodes are recalled');

      const counter = await tokenCounter();
      const packed = packContext({
        counter,
        budget: input.tokenBudget,
        recentShare: recentMessageShare,
        messages: session?.messages ?? [],
        summary: session?.summary,
        memories: recalled.memories,
        episodes: recalled.episodes,
      });
      // Records whose text the bundle already shows were left out on purpose, not for lack of room.
      const left = {
        memories: recalled.memories.length - packed.memories.length - packed.duplicates.memories,
        episodes: recalled.episodes.length - packed.episodes.length - packed.duplicates.episodes,
      };
      if (left.memories + left.episodes > 0) notices.push(`${left.memories} memories and ${left.episodes} episodes did not fit in the token budget`);

      const expiries = [session?.expiresAt, ...packed.memories.map((hit) => hit.item.expiresAt)].flatMap((at) => (at === undefined ? [] : [Date.parse(at)]));
      const staleAt = nextStaleAt(packed.memories.filter((hit) => hit.stale !== true).map((hit) => hit.item), clock.now(), reviewDays);
      if (staleAt !== undefined) expiries.push(staleAt);
      return {
        bundle: {
          namespace: input.namespace,
          query,
          querySource,
          tokenBudget: input.tokenBudget,
          tokens: packed.tokens,
          tokenizer: counter.name,
          session:
            session === null
              ? null
              : { sessionId: session.sessionId, summary: packed.summary, messages: packed.messages, omittedMessages: session.messages.length - packed.messages.length },
          memories: packed.memories.map((hit) => ({ ...hit, stale: hit.stale === true })),
          episodes: packed.episodes,
          text: packed.text,
          notices: [...new Set([...recalled.notices, ...notices])],
        },
        expiresAt: expiries.length === 0 ? undefined : Math.min(...expiries),
        keywordOnly: recalled.keywordOnly,
      };
    },
  };
}

export type ContextService = ReturnType<typeof createContextService>;

/** The object without its undefined properties. */
function defined<T extends object>(source: T): Partial<T> {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined)) as Partial<T>;
}
