// A chat loop with memory, through @memos/client. Before each turn it asks memOS for context (the
// session's recent messages and the memories recall finds for what the user said), answers, appends
// the turn to the session, and stores what it learned about the user as memories.
//
// The "language model" here is a STAND-IN: a tiny deterministic function (standInModel below) that
// answers from the context and picks facts out of sentences such as "my name is Ana" or "I like
// green tea". Put a real model call in its place; everything around it stays as it is.
//
//   MEMOS_URL=http://127.0.0.1:7420 MEMOS_API_KEY=memos_… npx tsx examples/chat-with-memory.ts "My name is Ana" "What is my name?"
//   printf 'I like green tea\nWhat do I like?\n' | npx tsx examples/chat-with-memory.ts
//
// Turns come from the arguments, else from stdin one line each (typed at a prompt when stdin is a
// terminal). MEMOS_NAMESPACE, CHAT_USER and CHAT_SESSION choose where the conversation lives.
import { createInterface } from 'node:readline/promises';
import { MemosClient, type ContextBundle, type MemoryDraft } from '@memos/client';

/** What the stand-in model makes of one user turn. */
export interface ModelAnswer {
  reply: string;
  /** Facts about the user to remember. */
  learned: MemoryDraft[];
}

/** What happened in one turn, for the transcript and for tests. */
export interface Turn {
  user: string;
  reply: string;
  /** The memories memOS gave as context before the turn. */
  contextMemories: string[];
  learned: string[];
}

// ── The stand-in language model ─────────────────────────────────────────────
// NOT a language model: pattern matching, so that the example runs anywhere with no model or key.

const FACTS: Array<{ pattern: RegExp; memory: (match: string) => MemoryDraft }> = [
  { pattern: /\bmy name is ([\p{L}][\p{L}' -]*)/iu, memory: (name) => ({ content: `The user's name is ${name}`, kind: 'fact', importance: 0.9 }) },
  { pattern: /\bI (?:like|love|enjoy) (.+)/i, memory: (thing) => ({ content: `The user likes ${thing}`, kind: 'preference', importance: 0.7 }) },
  { pattern: /\bI live in (.+)/i, memory: (place) => ({ content: `The user lives in ${place}`, kind: 'fact', importance: 0.7 }) },
];

const QUESTIONS: Array<{ pattern: RegExp; memory: RegExp; answer: (value: string) => string }> = [
  { pattern: /\bwhat(?:'s| is) my name\b/i, memory: /^The user's name is (.+)$/, answer: (name) => `Your name is ${name}.` },
  { pattern: /\bwhat do I (?:like|love|enjoy)\b/i, memory: /^The user likes (.+)$/, answer: (thing) => `You like ${thing}.` },
  { pattern: /\bwhere do I live\b/i, memory: /^The user lives in (.+)$/, answer: (place) => `You live in ${place}.` },
];

/** STAND-IN for a language model: answers questions from the context's memories, and learns simple facts. */
export function standInModel(userText: string, context: ContextBundle): ModelAnswer {
  const memories = context.memories.map((memory) => memory.item.content);
  const learned: MemoryDraft[] = [];
  for (const sentence of userText.split(/[.!?;,]|\band\b/i)) {
    for (const fact of FACTS) {
      const value = sentence.match(fact.pattern)?.[1]?.trim();
      if (value) learned.push(fact.memory(value));
    }
  }
  for (const question of QUESTIONS) {
    if (!question.pattern.test(userText)) continue;
    const known = memories.map((content) => content.match(question.memory)?.[1]).find((value) => value !== undefined);
    return { reply: known === undefined ? "I don't know yet; tell me!" : question.answer(known), learned };
  }
  return { reply: learned.length > 0 ? `Got it. I'll remember: ${learned.map((draft) => draft.content).join('; ')}.` : 'I see.', learned };
}

// ── The chat loop ───────────────────────────────────────────────────────────

export interface ChatOptions {
  client: MemosClient;
  userId: string;
  sessionId: string;
  turns: AsyncIterable<string> | Iterable<string>;
  /** Where the transcript goes (default: stdout). */
  print?: (line: string) => void;
}

/** Runs the conversation: for each user turn, context → model → session → memories. */
export async function chat({ client, userId, sessionId, turns, print = (line) => console.log(line) }: ChatOptions): Promise<Turn[]> {
  const transcript: Turn[] = [];
  for await (const raw of turns) {
    const user = raw.trim();
    if (user === '') continue;
    // 1. What memOS knows that bears on this turn.
    const context = await client.context({ sessionId, userId, query: user, tokenBudget: 1000, types: ['memories'] });
    const contextMemories = context.memories.map((memory) => memory.item.content);
    // 2. The (stand-in) model answers.
    const { reply, learned } = standInModel(user, context);
    // 3. The turn goes into the session: memOS keeps the conversation, and promotes old turns to episodes.
    await client.sessions.appendMessages(sessionId, {
      userId,
      messages: [
        { role: 'user', content: user },
        { role: 'assistant', content: reply },
      ],
    });
    // 4. What it learned becomes memories; the same fact again merges into the stored one.
    if (learned.length > 0) await client.remember(learned, { userId, sessionId });

    print(`you: ${user}`);
    print(`  [context] memories: ${contextMemories.length === 0 ? '(none)' : contextMemories.join(' | ')}`);
    print(`assistant: ${reply}`);
    if (learned.length > 0) print(`  [remembered] ${learned.map((draft) => draft.content).join(' | ')}`);
    transcript.push({ user, reply, contextMemories, learned: learned.map((draft) => draft.content) });
  }
  return transcript;
}

/** The user's turns: the arguments, else stdin's lines (with a prompt at a terminal). */
async function* turnsFrom(args: string[]): AsyncGenerator<string> {
  if (args.length > 0) return yield* args;
  const lines = createInterface({ input: process.stdin, ...(process.stdin.isTTY ? { output: process.stdout, prompt: 'you> ' } : {}) });
  if (process.stdin.isTTY) lines.prompt();
  for await (const line of lines) {
    yield line;
    if (process.stdin.isTTY) lines.prompt();
  }
}

export async function main(args: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<Turn[]> {
  const client = new MemosClient({
    baseUrl: env.MEMOS_URL ?? 'http://127.0.0.1:7420',
    apiKey: env.MEMOS_API_KEY,
    namespace: env.MEMOS_NAMESPACE,
  });
  const userId = env.CHAT_USER ?? 'demo-user';
  const sessionId = env.CHAT_SESSION ?? `chat-${userId}`;
  return chat({ client, userId, sessionId, turns: turnsFrom(args) });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
