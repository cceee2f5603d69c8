// A Mastra agent whose memory is memOS (@memos/mastra): its threads and messages are memOS
// episodes, and Mastra's semantic recall is memOS's hybrid recall, so a question in a new thread
// is answered from what the user said in an older one.
//
// The language model is a STAND-IN unless MODEL_URL names an OpenAI-compatible server (LM Studio,
// Ollama, vLLM, OpenAI): the stand-in (standInModel below) answers by quoting the earlier user
// message of its prompt that shares the most words with the question. The output says which ran.
//
//   MEMOS_URL=http://127.0.0.1:7420 MEMOS_API_KEY=memos_… npx tsx examples/mastra-agent.ts
//   MODEL_URL=http://127.0.0.1:1234/v1 MODEL_NAME=qwen2.5-7b-instruct npx tsx examples/mastra-agent.ts "What does my sister keep?"
//
// Build first: npm run build -w @memos/client && npm run build -w @memos/mastra.
// The first thread's turns are fixed; the second thread's are the arguments (default below).
// MEMOS_NAMESPACE, MASTRA_RESOURCE and MODEL_API_KEY are optional.
import { Agent } from '@mastra/core/agent';
import { Memory } from '@mastra/memory';
import { MemosClient } from '@memos/client';
import { memosMemoryParts } from '@memos/mastra';

type AgentModel = ConstructorParameters<typeof Agent>[0]['model'];

const FIRST_THREAD = ['My sister Ingrid keeps bees on her farm near Bergen', 'I also need a new bicycle tyre before the weekend'];
const SECOND_THREAD = ['Remind me to buy milk', 'What does my sister keep on her farm?'];

// ── The stand-in language model ─────────────────────────────────────────────
// NOT a language model: it speaks the AI SDK's model interface (v4) and answers from its prompt.

interface PromptMessage {
  role: string;
  content: string | Array<{ type: string; text?: string }>;
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
const textOf = (message: PromptMessage) =>
  typeof message.content === 'string' ? message.content : message.content.map((part) => part.text ?? '').join(' ');

/**
 * What the user said earlier, as the prompt shows it: the thread's user messages, and the user lines
 * of the system message in which Mastra quotes messages recalled from other threads.
 */
function earlierUserTexts(prompt: PromptMessage[]): string[] {
  const users = prompt.filter((message) => message.role === 'user').map(textOf).slice(0, -1);
  const recalled = prompt
    .filter((message) => message.role === 'system')
    .flatMap((message) => [...textOf(message).matchAll(/User: (.*?)(?=Message (?:from previous conversation )?at |\n|$)/g)].map((match) => match[1]!.trim()));
  return [...recalled, ...users];
}

/** STAND-IN for a language model: quotes the earlier user message that best matches the question. */
export function standInAnswer(prompt: PromptMessage[]): string {
  const question = prompt.filter((message) => message.role === 'user').map(textOf).at(-1) ?? '';
  const asked = words(question);
  let best: { text: string; shared: number } | undefined;
  for (const earlier of earlierUserTexts(prompt)) {
    const shared = [...words(earlier)].filter((word) => asked.has(word)).length;
    if (shared > 1 && (best === undefined || shared > best.shared)) best = { text: earlier, shared };
  }
  return best === undefined ? 'Noted.' : `You told me: "${best.text}".`;
}

function standInModel() {
  return {
    specificationVersion: 'v4' as const,
    provider: 'stand-in',
    modelId: 'stand-in',
    supportedUrls: {},
    async doGenerate(options: { prompt: PromptMessage[] }) {
      return {
        content: [{ type: 'text' as const, text: standInAnswer(options.prompt) }],
        finishReason: { unified: 'stop' as const, raw: 'stop' },
        usage: { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } },
        warnings: [],
      };
    },
    async doStream(): Promise<never> {
      throw new Error('the stand-in model answers generate() only');
    },
  };
}

/** A real OpenAI-compatible chat model when MODEL_URL is set, else the stand-in. */
function chooseModel(env: NodeJS.ProcessEnv): { model: AgentModel; label: string } {
  if (env.MODEL_URL) {
    const modelId = env.MODEL_NAME ?? 'default';
    return {
      model: { providerId: 'openai-compatible', modelId, url: env.MODEL_URL, ...(env.MODEL_API_KEY ? { apiKey: env.MODEL_API_KEY } : {}), api: 'chat' },
      label: `${modelId} at ${env.MODEL_URL}`,
    };
  }
  return { model: standInModel() as unknown as AgentModel, label: 'stand-in (set MODEL_URL for a real OpenAI-compatible model)' };
}

// ── The agent ───────────────────────────────────────────────────────────────

export async function main(args: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const client = new MemosClient({ baseUrl: env.MEMOS_URL ?? 'http://127.0.0.1:7420', apiKey: env.MEMOS_API_KEY, namespace: env.MEMOS_NAMESPACE });
  const resource = env.MASTRA_RESOURCE ?? 'demo-user';
  const memory = new Memory({
    ...memosMemoryParts({ client, agentId: 'mastra-example' }),
    // The last 2 messages of the thread, plus the 2 best matches from any of the user's threads.
    options: { lastMessages: 2, semanticRecall: { topK: 2, messageRange: 0, scope: 'resource' } },
  });
  const { model, label } = chooseModel(env);
  console.log(`[model] ${label}`);
  const agent = new Agent({ id: 'assistant', name: 'assistant', instructions: 'You are a helpful assistant. Answer in one sentence.', model, memory });

  const run = `${Date.now().toString(36)}`;
  const threads = [
    { id: `${resource}-first-${run}`, turns: FIRST_THREAD },
    { id: `${resource}-second-${run}`, turns: args.length > 0 ? args : SECOND_THREAD },
  ];
  for (const thread of threads) {
    console.log(`\n[thread] ${thread.id}`);
    for (const turn of thread.turns) {
      const { messages } = await memory.recall({ threadId: thread.id, resourceId: resource, vectorSearchString: turn });
      const fromOtherThreads = messages.filter((message) => message.threadId !== thread.id).map((message) => message.content.content);
      const result = await agent.generate(turn, { memory: { thread: thread.id, resource } });
      console.log(`you: ${turn}`);
      if (fromOtherThreads.length > 0) console.log(`  [recalled from memOS] ${fromOtherThreads.join(' | ')}`);
      console.log(`assistant: ${result.text}`);
    }
  }
  const held = await client.episodes.list({ userId: resource, agentId: 'mastra-example', kind: ['message'], limit: 500 });
  console.log(`\n[memOS] ${held.items.length} messages of ${resource} held as episodes`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
