// An AI SDK agent with memOS memory, through @memos/ai-sdk: each turn is a real `streamText` run
// with memOS's tools (remember, recall, getContext, forget) and a model wrapped in memOS's
// middleware, which puts what memOS knows about the user into the prompt and appends the turn to
// the memOS session.
//
// The language model is a STAND-IN: the AI SDK's own test model (MockLanguageModelV4 from ai/test)
// driven by a few rules (standInModel below): it calls `remember` for sentences such as "I live in
// Lisbon", and answers questions from the memory the middleware gave it. A real model needs a
// provider package (such as @ai-sdk/openai-compatible), which memOS does not depend on; put it in
// place of standInModel() and everything else stays as it is.
//
//   MEMOS_URL=http://127.0.0.1:7420 MEMOS_API_KEY=memos_… npx tsx examples/ai-sdk-agent.ts "I'm vegetarian and I live in Lisbon" "What do you know about me?"
//
// Build the packages first (npm run build -w @memos/client -w @memos/ai-sdk). MEMOS_NAMESPACE,
// AGENT_USER and AGENT_SESSION choose where the conversation lives.
import { MemosClient } from '@memos/client';
import { memosMiddleware, memosTools } from '@memos/ai-sdk';
import { isStepCount, streamText, wrapLanguageModel, type LanguageModelMiddleware } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

type Prompt = Parameters<NonNullable<LanguageModelMiddleware['transformParams']>>[0]['params']['prompt'];
type StreamPart = Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer Part> ? Part : never;

// ── The stand-in language model ─────────────────────────────────────────────
// NOT a language model: pattern matching over the prompt, so that the example runs anywhere with no model or key.

const FACTS: Array<{ pattern: RegExp; memory: (value: string) => { content: string; kind: 'fact' | 'preference'; key?: string } }> = [
  { pattern: /\bmy name is ([\p{L}][\p{L}' -]*)/iu, memory: (name) => ({ content: `The user's name is ${name}`, kind: 'fact', key: 'name' }) },
  { pattern: /\bI (?:live in|moved to) (.+)/i, memory: (place) => ({ content: `The user lives in ${place}`, kind: 'fact', key: 'home_city' }) },
  { pattern: /\bI(?:'m| am) (vegetarian|vegan|pescatarian)\b/i, memory: (diet) => ({ content: `The user is ${diet}`, kind: 'preference', key: 'diet' }) },
  { pattern: /\bI (?:like|love) (.+)/i, memory: (thing) => ({ content: `The user likes ${thing}`, kind: 'preference' }) },
];

/** The memory lines of the `<memos-context>` system message the middleware added. */
function memoriesInPrompt(prompt: Prompt): string[] {
  const context = prompt.flatMap((message) => (message.role === 'system' && message.content.startsWith('<memos-context>') ? [message.content] : [])).join('\n');
  const section = context.split('## What I know about the user')[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').flatMap((line) => (line.startsWith('- ') ? [line.replace(/^- (\([^)]*\) )?/, '')] : []));
}

/** What the stand-in does next: call `remember` for each fact the user stated, else answer from memory. */
function nextMove(prompt: Prompt): StreamPart[] {
  const last = prompt[prompt.length - 1];
  const userText = last?.role === 'user' ? last.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ') : '';
  const facts = userText.split(/[.!?;,]|\band\b/i).flatMap((sentence) => FACTS.flatMap(({ pattern, memory }) => {
    const value = sentence.match(pattern)?.[1]?.trim();
    return value ? [memory(value)] : [];
  }));
  const finish = (unified: 'stop' | 'tool-calls'): StreamPart => ({ type: 'finish', finishReason: { unified, raw: unified }, usage: { inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, text: undefined, reasoning: undefined } } });
  if (facts.length > 0) {
    return [...facts.map((input, index): StreamPart => ({ type: 'tool-call', toolCallId: `remember-${index}`, toolName: 'remember', input: JSON.stringify(input) })), finish('tool-calls')];
  }
  const known = memoriesInPrompt(prompt);
  const reply =
    last?.role === 'tool' ? "Noted, I'll remember that." : known.length === 0 ? "I don't know anything about you yet." : `Here is what I remember: ${known.join('; ')}.`;
  return [{ type: 'text-start', id: 't' }, ...reply.split(/(?<= )/).map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })), { type: 'text-end', id: 't' }, finish('stop')];
}

/** STAND-IN for a language model: the AI SDK's test model, answering by the rules above. */
function standInModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'stand-in',
    modelId: 'rules',
    doStream: async ({ prompt }) => ({
      stream: new ReadableStream<StreamPart>({
        start(controller) {
          for (const part of nextMove(prompt)) controller.enqueue(part);
          controller.close();
        },
      }),
    }),
  });
}

// ── The agent ───────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const client = new MemosClient({ baseUrl: process.env.MEMOS_URL ?? 'http://127.0.0.1:7420', apiKey: process.env.MEMOS_API_KEY, namespace: process.env.MEMOS_NAMESPACE });
  const scope = { userId: process.env.AGENT_USER ?? 'ana', sessionId: process.env.AGENT_SESSION ?? `ai-sdk-${Date.now().toString(36)}` };
  const turns = process.argv.length > 2 ? process.argv.slice(2) : ["I'm vegetarian and I live in Lisbon", 'What do you know about me?'];

  if (process.env.OPENAI_BASE_URL || process.env.LLM_MODEL) {
    console.log('[model] OPENAI_BASE_URL/LLM_MODEL are set, but a real model needs a provider package memOS does not depend on: using the stand-in');
  }
  console.log('[model] stand-in: the AI SDK test model (MockLanguageModelV4) with fixed rules, not a language model');
  console.log(`[memOS] user ${scope.userId}, session ${scope.sessionId}`);

  const model = wrapLanguageModel({ model: standInModel(), middleware: memosMiddleware({ client, scope, tokenBudget: 800 }) });
  const tools = memosTools({ client, scope });

  for (const turn of turns) {
    console.log(`you: ${turn}`);
    const result = streamText({
      model,
      tools,
      stopWhen: isStepCount(3),
      system: 'You are a helpful assistant with a long-term memory. Remember lasting facts the user tells you.',
      prompt: turn,
      onStepFinish: ({ toolResults }) => {
        for (const { toolName, input, output } of toolResults) console.log(`[tool] ${toolName} ${JSON.stringify(input)} -> ${JSON.stringify(output)}`);
      },
    });
    let reply = '';
    for await (const delta of result.textStream) reply += delta;
    console.log(`assistant: ${reply}`);
  }

  const session = await client.sessions.get(scope.sessionId);
  const memories = (await client.memories.list({ userId: scope.userId })).items;
  console.log(`[memOS] the session holds ${session.messages.length} messages; ${scope.userId} has ${memories.length} memories: ${memories.map((memory) => memory.content).join(' | ')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
