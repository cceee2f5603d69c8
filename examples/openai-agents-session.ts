// An OpenAI Agents SDK agent whose conversation lives in memOS, through @memos/openai-agents. Each
// turn is one `run(agent, turn, { session })`: the SDK reads the history from the memOS session,
// calls the model, and writes the turn back. Run it again with the same CHAT_SESSION and the agent
// remembers; turns beyond memOS's session window become episodes of the session, never lost.
//
//   MEMOS_URL=http://127.0.0.1:7420 MEMOS_API_KEY=memos_… npx tsx examples/openai-agents-session.ts "My name is Ana" "I like green tea"
//   MEMOS_URL=… MEMOS_API_KEY=… npx tsx examples/openai-agents-session.ts "What is my name?"
//
// The model: a real one when OPENAI_MODEL is set (with OPENAI_API_KEY, and OPENAI_BASE_URL for any
// OpenAI-compatible server such as LM Studio, Ollama or vLLM; spoken to over chat completions).
// Otherwise a STAND-IN (standInModel below): pattern matching over the history the SDK hands it,
// so that the example runs anywhere with no model or key. It says which one it uses.
// MEMOS_NAMESPACE, CHAT_USER and CHAT_SESSION choose where the conversation lives.
import { MemosClient } from '@memos/client';
import { MemosSession } from '@memos/openai-agents';
import { Agent, run, setTracingDisabled, Usage, type AgentInputItem, type Model, type ModelRequest, type ModelResponse } from '@openai/agents-core';

// The SDK would otherwise send traces to OpenAI's platform whenever OPENAI_API_KEY is set.
setTracingDisabled(true);

// ── The stand-in model ──────────────────────────────────────────────────────
// NOT a language model: it answers from the history the SDK replays, which memOS stored.

/** The text of each user message in the model's input, oldest first. */
function userTexts(input: ModelRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  return input.flatMap((item: AgentInputItem) => {
    if (!('role' in item) || item.role !== 'user') return [];
    return typeof item.content === 'string' ? [item.content] : item.content.flatMap((part) => ('text' in part ? [part.text] : []));
  });
}

/** STAND-IN: learns "my name is …" and "I like …" from earlier user turns, and answers questions about them. */
export function standInReply(input: ModelRequest['input']): string {
  const said = userTexts(input);
  const latest = said.at(-1) ?? '';
  const recall = (pattern: RegExp) => said.slice(0, -1).map((text) => text.match(pattern)?.[1]?.trim()).filter(Boolean).at(-1);
  if (/what(?:'s| is) my name/i.test(latest)) return `Your name is ${recall(/\bmy name is ([\p{L}' -]+)/iu) ?? 'unknown to me yet'}.`;
  if (/what do I like/i.test(latest)) return `You like ${recall(/\bI like ([^.!?]+)/i) ?? 'nothing I know of yet'}.`;
  return `Noted (${said.length} of your messages in this conversation so far).`;
}

class StandInModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const text = standInReply(request.input);
    return {
      usage: new Usage({ requests: 1, inputTokens: 0, outputTokens: 0, totalTokens: 0 }),
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }],
    };
  }
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('the stand-in model does not stream');
  }
}

/** A real model over chat completions, which every OpenAI-compatible server speaks; loaded only when asked for. */
async function realModel(name: string, env: NodeJS.ProcessEnv): Promise<Model> {
  const { OpenAIProvider } = await import('@openai/agents');
  return new OpenAIProvider({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, useResponses: false }).getModel(name);
}

// ── The conversation ────────────────────────────────────────────────────────

export async function main(turns: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const client = new MemosClient({ baseUrl: env.MEMOS_URL ?? 'http://127.0.0.1:7420', apiKey: env.MEMOS_API_KEY, namespace: env.MEMOS_NAMESPACE });
  const userId = env.CHAT_USER ?? 'demo-user';
  const sessionId = env.CHAT_SESSION ?? `agents-${userId}`;

  const model = env.OPENAI_MODEL ? await realModel(env.OPENAI_MODEL, env) : new StandInModel();
  console.log(env.OPENAI_MODEL ? `model: ${env.OPENAI_MODEL} (real, over chat completions)` : 'model: stand-in (set OPENAI_MODEL and OPENAI_API_KEY for a real one)');

  const agent = new Agent({ name: 'assistant', instructions: 'You are a helpful assistant. Answer in one sentence.', model });
  const session = new MemosSession({ client, sessionId, userId });
  for (const turn of turns.map((text) => text.trim()).filter((text) => text !== '')) {
    const result = await run(agent, turn, { session });
    console.log(`you: ${turn}`);
    console.log(`assistant: ${String(result.finalOutput)}`);
  }

  // What memOS holds: the window the next run replays, and the episodes older turns became.
  const window = await session.getItems();
  const { items: episodes } = await client.episodes.list({ sessionId, limit: 100 });
  console.log(`memOS session '${sessionId}': ${window.length} items in the window, ${episodes.length} promoted to episodes`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
