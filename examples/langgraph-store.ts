// A LangGraph.js assistant whose long-term memory is memOS, through @memos/langgraph's MemosStore.
// A StateGraph of two nodes: `learn` puts what the user says about themselves into the store (one
// item per fact, so that "I moved to Nairobi" replaces "I live in Lagos" and memOS keeps the old
// value as history), and `answer` searches the store (memOS hybrid recall) and replies.
//
// The replies come from a real OpenAI-compatible chat model when OPENAI_BASE_URL and OPENAI_MODEL
// are set (OPENAI_API_KEY too if it needs one), else from a STAND-IN (standInReply below) that
// answers from the recalled memories alone. The facts are picked out by patterns either way.
//
//   npm run build -w @memos/client && npm run build -w @memos/langgraph
//   MEMOS_URL=http://127.0.0.1:7420 MEMOS_API_KEY=memos_… npx tsx examples/langgraph-store.ts "I live in Lagos" "I moved to Nairobi" "Where do I live?"
//
// MEMOS_NAMESPACE and GRAPH_USER choose where the memories live (items go to the namespace
// ["memories", GRAPH_USER], which MemosStore maps to that memOS user).
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { MemosClient } from '@memos/client';
import { MemosStore, userIdAt } from '@memos/langgraph';

const State = Annotation.Root({
  userId: Annotation<string>,
  message: Annotation<string>,
  recalled: Annotation<string[]>,
  reply: Annotation<string>,
});
type GraphState = typeof State.State;

/** Statements about the user, each with the item key it fills: a later statement of a key replaces the earlier one. */
const FACTS: Array<{ pattern: RegExp; key: (match: string) => string; text: (match: string) => string }> = [
  { pattern: /\bmy name is ([\p{L}][\p{L}' -]*)/iu, key: () => 'name', text: (name) => `The user's name is ${name}` },
  { pattern: /\bI (?:live in|moved to) ([\p{L}][\p{L}' -]*)/iu, key: () => 'home', text: (place) => `The user lives in ${place}` },
  { pattern: /\bI (?:like|love|enjoy) (.+)/i, key: (thing) => `likes:${thing.toLowerCase()}`, text: (thing) => `The user likes ${thing}` },
];

async function learn(state: GraphState, config: LangGraphRunnableConfig) {
  for (const sentence of state.message.split(/[.!?;]|\band\b/i)) {
    for (const fact of FACTS) {
      const match = sentence.match(fact.pattern)?.[1]?.trim();
      if (match) await config.store!.put(['memories', state.userId], fact.key(match), { text: fact.text(match) });
    }
  }
  return {};
}

/** The node that recalls from the store and replies, with `model` or the stand-in. */
function answerWith(model: Model | undefined) {
  return async (state: GraphState, config: LangGraphRunnableConfig) => {
    const found = await config.store!.search(['memories', state.userId], { query: state.message, limit: 3 });
    const recalled = found.map((item) => String(item.value.text));
    return { recalled, reply: model === undefined ? standInReply(state.message, recalled) : await model(state.message, recalled) };
  };
}

/** STAND-IN for a language model: answers a question with the most relevant memory, acknowledges anything else. */
export function standInReply(message: string, recalled: string[]): string {
  if (!message.trim().endsWith('?')) return 'Noted.';
  return recalled.length === 0 ? "I don't know yet." : `From memory: ${recalled[0]}.`;
}

type Model = (message: string, recalled: string[]) => Promise<string>;

/** A real OpenAI-compatible chat model, when the environment names one. */
function modelFromEnv(env: NodeJS.ProcessEnv): Model | undefined {
  const { OPENAI_BASE_URL: baseUrl, OPENAI_MODEL: name, OPENAI_API_KEY: apiKey } = env;
  if (!baseUrl || !name) return undefined;
  return async (message, recalled) => {
    const response = await fetch(`${baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({
        model: name,
        messages: [
          { role: 'system', content: `You are a helpful assistant. What you remember about the user:\n${recalled.map((text) => `- ${text}`).join('\n') || '(nothing yet)'}` },
          { role: 'user', content: message },
        ],
        // Structured output, so that the reply is one JSON field whatever the server adds around it.
        response_format: { type: 'json_schema', json_schema: { name: 'reply', strict: true, schema: REPLY_SCHEMA } },
      }),
    });
    if (!response.ok) throw new Error(`the chat model answered ${response.status}`);
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: string | null } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('the chat model answered no content');
    return (JSON.parse(content) as { reply: string }).reply;
  };
}

const REPLY_SCHEMA = { type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'], additionalProperties: false };

export async function main(args: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const model = modelFromEnv(env);
  const client = new MemosClient({ baseUrl: env.MEMOS_URL ?? 'http://127.0.0.1:7420', apiKey: env.MEMOS_API_KEY, namespace: env.MEMOS_NAMESPACE });
  const store = new MemosStore({ client, userIdFrom: userIdAt(1), index: { fields: ['text'] } });
  const graph = new StateGraph(State).addNode('learn', learn).addNode('answer', answerWith(model)).addEdge(START, 'learn').addEdge('learn', 'answer').addEdge('answer', END).compile({ store });
  const userId = env.GRAPH_USER ?? 'demo-user';
  console.log(`model: ${model === undefined ? 'stand-in (set OPENAI_BASE_URL and OPENAI_MODEL for a real one)' : `${env.OPENAI_MODEL} at ${env.OPENAI_BASE_URL}`}`);
  for (const message of args.length > 0 ? args : ['My name is Ana and I live in Lagos', 'I moved to Nairobi', 'Where do I live?']) {
    const result = await graph.invoke({ userId, message });
    console.log(`you: ${message}`);
    console.log(`  [recalled] ${result.recalled.length === 0 ? '(none)' : result.recalled.join(' | ')}`);
    console.log(`assistant: ${result.reply}`);
  }
  const items = await store.search(['memories', userId], { limit: 50 });
  console.log(`memOS now holds ${items.length} item(s) for ${userId}: ${items.map((item) => `${item.key} = ${String(item.value.text)}`).join('; ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
