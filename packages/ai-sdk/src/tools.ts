// memOS as AI SDK tools: the model remembers, recalls, reads its context and forgets, always as
// the one user (and agent) the tools were made for. No tool takes a user, agent or namespace in its
// input, so a model cannot be talked into reading or changing someone else's memory.
import { MemosError, type MemosClient, type MemoryWriteResult } from '@memos/client';
import { tool, type Tool } from 'ai';
import { z } from 'zod';
import { toRecallHit, type RecallHit } from './recall-hit.js';
import { checkInteger, checkScope, identityOf, invalid, type MemosScope } from './scope.js';

/** What the `forget` tool does: `retract` (the default) keeps the memory, its history and sources; `delete` erases it. */
export type ForgetMode = 'retract' | 'delete';

export interface MemosToolsOptions {
  /** A client for memOS, carrying its URL, key and namespace. */
  client: MemosClient;
  /** Whose memory the tools work in; the model cannot choose another. */
  scope: MemosScope;
  /** Most hits `recall` answers, 1 to 100 (the model may ask for fewer); default 8. */
  recallLimit?: number;
  /** Most tokens `getContext` answers, 32 to 131072 (the model may ask for fewer); default 1500. */
  tokenBudget?: number;
  /** `retract` (default): the memory leaves recall and context, keeps its text, history and sources, and says why. `delete`: it is erased. */
  forget?: ForgetMode;
}

/** What `remember` answers: memOS's answer for the memory written. */
export type RememberResult = MemoryWriteResult['results'][number];

/** What `forget` answers. */
export type ForgetResult = { id: string; action: 'retracted'; validTo: string | undefined } | { id: string; action: 'deleted' };

/** The tools `memosTools` answers, by name, with the input the model gives each. */
export type MemosTools = {
  remember: Tool<{ content: string; kind?: MemoryKind | undefined; key?: string | undefined; importance?: number | undefined }, RememberResult>;
  recall: Tool<{ query: string; limit?: number | undefined; kinds?: MemoryKind[] | undefined }, { hits: RecallHit[] }>;
  getContext: Tool<{ query?: string | undefined; tokenBudget?: number | undefined }, { text: string; tokens: number }>;
  forget: Tool<{ id: string; reason?: string | undefined }, ForgetResult>;
};

const MEMORY_KINDS = ['fact', 'preference', 'reflection', 'summary', 'procedure'] as const;
type MemoryKind = (typeof MEMORY_KINDS)[number];
const WHERE = 'memosTools';

/**
 * AI SDK tools over memOS for one user (and agent): `remember`, `recall`, `getContext` and
 * `forget`. Pass them to `generateText`, `streamText` or an agent as `tools`.
 *
 * ```ts
 * const tools = memosTools({ client: new MemosClient({ baseUrl, apiKey, namespace: 'support' }), scope: { userId: 'ana' } });
 * await generateText({ model, tools, stopWhen: isStepCount(3), prompt: 'I moved to Lisbon' });
 * ```
 */
export function memosTools(options: MemosToolsOptions): MemosTools {
  const scope = checkScope(WHERE, options?.client, options?.scope);
  const { client, recallLimit = 8, tokenBudget = 1500, forget: forgetMode = 'retract' } = options;
  checkInteger(WHERE, 'recallLimit', recallLimit, 1, 100);
  checkInteger(WHERE, 'tokenBudget', tokenBudget, 32, 131_072);
  if (forgetMode !== 'retract' && forgetMode !== 'delete') throw invalid(WHERE, 'forget', "must be 'retract' or 'delete'");
  const identity = identityOf(scope);

  const remember = tool({
    description:
      'Store one lasting fact or preference about the user, as one short statement in the third person ("Ana is vegetarian"). ' +
      'Give a key (such as home_city or diet) when the fact has one current value: a later memory with the same key replaces it. ' +
      'The answer says whether it was created or merged into a memory that states the same, and lists related memories that may contradict it (possibleConflict).',
    inputSchema: z.object({
      // memOS takes up to 32768 bytes of UTF-8; 8000 characters stay under it whatever the script.
      content: z.string().min(1).max(8000).describe('The fact, as one statement'),
      kind: z.enum(MEMORY_KINDS).optional().describe('fact (default), preference, reflection, summary or procedure'),
      key: z.string().min(1).max(200).optional().describe('The slot the fact fills, such as home_city, when it has one current value'),
      importance: z.number().min(0).max(1).optional().describe('0 to 1: how much it matters (default 0.5)'),
    }),
    execute: async ({ content, kind, key, importance }, { abortSignal }): Promise<RememberResult> => {
      const draft = { content, ...(kind === undefined ? {} : { kind }), ...(key === undefined ? {} : { key }), ...(importance === undefined ? {} : { importance }) };
      const answer = await client.remember(draft, scope, { signal: abortSignal });
      const result = answer.results[0];
      if (result === undefined) throw new MemosError('E_INTERNAL', 'remember: memOS answered no result for the memory written');
      return result;
    },
  });

  const recall = tool({
    description:
      "Search what is remembered about the user (facts, preferences and past events), by meaning and by words. Answers the best hits, each with its id, kind, text, score (0 to 1), and for memories its key and when it became true (validFrom).",
    inputSchema: z.object({
      query: z.string().min(1).max(4096).describe('What to look for, in words'),
      limit: z.number().int().min(1).max(recallLimit).optional().describe(`Most hits, 1 to ${recallLimit}`),
      kinds: z.array(z.enum(MEMORY_KINDS)).min(1).optional().describe('Only memories of these kinds (then no events)'),
    }),
    execute: async ({ query, limit, kinds }, { abortSignal }): Promise<{ hits: RecallHit[] }> => {
      const answer = await client.search(
        { ...identity, query, limit: limit ?? recallLimit, mode: 'hybrid', ...(kinds === undefined ? {} : { types: ['memories'], filters: { kind: kinds } }) },
        { signal: abortSignal },
      );
      return { hits: answer.hits.map(toRecallHit) };
    },
  });

  const getContext = tool({
    description:
      'Read a prompt-ready summary of what memOS holds for this conversation: its recent messages and the memories and events most relevant to the query (or to the last user message), within a token budget.',
    inputSchema: z.object({
      query: z.string().min(1).max(4096).optional().describe('What the context is for; default the last user message of the conversation'),
      tokenBudget: z.number().int().min(32).max(tokenBudget).optional().describe(`Most tokens, 32 to ${tokenBudget}`),
    }),
    execute: async ({ query, tokenBudget: budget }, { abortSignal }): Promise<{ text: string; tokens: number }> => {
      const bundle = await client.context(
        { ...identity, ...(scope.sessionId === undefined ? {} : { sessionId: scope.sessionId }), ...(query === undefined ? {} : { query }), tokenBudget: budget ?? tokenBudget },
        { signal: abortSignal },
      );
      return { text: bundle.text, tokens: bundle.tokens };
    },
  });

  const forget = tool({
    description:
      forgetMode === 'retract'
        ? 'Mark a remembered fact as no longer true (or never true), by its id from recall, with the reason. It leaves recall; its history is kept.'
        : 'Erase a remembered fact for good, by its id from recall.',
    inputSchema: z.object({
      id: z.string().min(1).max(128).describe('The memory id (mem_…) from recall'),
      reason: z.string().min(1).max(500).optional().describe('Why it no longer holds, in a few words'),
    }),
    execute: async ({ id, reason }, { abortSignal }): Promise<ForgetResult> => {
      const call = { signal: abortSignal };
      // Ids are global within the namespace: check that this one is the scope's before touching it,
      // and answer as for an unknown id when it is not, so that nothing about other users leaks.
      const memory = await client.memories.get(id, call);
      const ours = memory.userId === scope.userId && (scope.agentId === undefined || memory.agentId === scope.agentId);
      if (!ours) throw new MemosError('E_NOT_FOUND', `forget: no memory ${id} for this user`);
      if (forgetMode === 'delete') {
        await client.memories.delete(id, call);
        return { id, action: 'deleted' };
      }
      const retracted = await client.memories.retract(id, reason === undefined ? {} : { reason }, call);
      return { id, action: 'retracted', validTo: retracted.validTo };
    },
  });

  return { remember, recall, getContext, forget };
}
