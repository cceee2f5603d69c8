// Reading and changing the language-model prompt the middleware sees. The types are read from the
// `ai` package's own middleware type, so that they follow its specification version (v4 in ai 7)
// without a direct dependency on `@ai-sdk/provider`.
import type { LanguageModelMiddleware } from 'ai';

type TransformParams = NonNullable<LanguageModelMiddleware['transformParams']>;
/** The parameters of one language-model call (`LanguageModelV4CallOptions` in ai 7). */
export type CallParams = Parameters<TransformParams>[0]['params'];
export type Prompt = CallParams['prompt'];
/** What `doGenerate` answers. */
export type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapGenerate']>>>;
/** What `doStream` answers. */
export type StreamResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapStream']>>>;
export type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

/** memOS takes recall queries up to this many characters. */
const MAX_QUERY = 4096;

/** The text of the prompt's last user message (its text parts, joined), or undefined when it has none. */
export function latestUserText(prompt: Prompt): string | undefined {
  for (let index = prompt.length - 1; index >= 0; index -= 1) {
    const message = prompt[index];
    if (message?.role !== 'user') continue;
    const text = message.content
      .flatMap((part) => (part.type === 'text' ? [part.text] : []))
      .join('\n')
      .trim();
    return text === '' ? undefined : text;
  }
  return undefined;
}

/** A recall query from a user message: memOS refuses longer ones, and the start says what it is about. */
export function asQuery(text: string): string {
  return text.length <= MAX_QUERY ? text : text.slice(0, MAX_QUERY);
}

/**
 * The prompt with one more system message, placed after the caller's own leading system messages
 * (which keep their place at the top, where models weigh instructions) and before the conversation.
 */
export function withSystemMessage(prompt: Prompt, content: string): Prompt {
  const firstOther = prompt.findIndex((message) => message.role !== 'system');
  const at = firstOther === -1 ? prompt.length : firstOther;
  return [...prompt.slice(0, at), { role: 'system', content }, ...prompt.slice(at)];
}

/** The text a `doGenerate` call produced. */
export function generatedText(result: GenerateResult): string {
  return result.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('')
    .trim();
}

/** Whether the model stopped to call tools: the turn then goes on in a later call, which appends it. */
export function stoppedForTools(finishReason: GenerateResult['finishReason'] | undefined): boolean {
  return finishReason?.unified === 'tool-calls';
}
