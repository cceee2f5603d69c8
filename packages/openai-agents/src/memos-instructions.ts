// An Agent's `instructions` that carry what memOS recalls for the user: memories, and episodes when
// there is a query. The session's own messages are left out, since MemosSession already replays them.
import type { MemosClient } from '@memos/client';
import type { RunContext } from '@openai/agents-core';
import { checkId } from './checks.js';

export interface MemosInstructionsOptions<TContext = unknown> {
  /** The memOS client (namespace and key). */
  client: MemosClient;
  /** Whose memories and episodes to recall. */
  userId: string;
  /** Only memories and episodes of this agent, when given. */
  agentId?: string;
  /** The agent's own instructions; memOS's context follows them. */
  instructions?: string;
  /** What to recall for this run; without one, memOS ranks memories by importance and recency. */
  query?: (runContext: RunContext<TContext>) => string | undefined | Promise<string | undefined>;
  /** Most tokens the recalled context may take (memOS's default when absent). */
  tokenBudget?: number;
}

/**
 * Instructions for `new Agent({ instructions: memosInstructions({ client, userId }) })`: each run
 * asks memOS for its prompt-ready context (`POST /api/v1/context`) and appends its text.
 */
export function memosInstructions<TContext = unknown>(options: MemosInstructionsOptions<TContext>): (runContext: RunContext<TContext>) => Promise<string> {
  const userId = checkId('userId', options.userId);
  const agentId = options.agentId === undefined ? undefined : checkId('agentId', options.agentId);
  return async (runContext) => {
    const query = await options.query?.(runContext);
    const bundle = await options.client.context({
      userId,
      ...(agentId === undefined ? {} : { agentId }),
      ...(query === undefined || query.trim() === '' ? {} : { query }),
      ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
    });
    return [options.instructions, bundle.text].filter((part) => part !== undefined && part.trim() !== '').join('\n\n');
  };
}
