// The AI SDK's own test model (MockLanguageModelV4 from ai/test) with a script: each call answers
// the next step (a tool call, or text), and every prompt it was given stays readable, so that
// tests can assert on exactly what the model received.
import type { LanguageModelMiddleware } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

type CallParams = Parameters<NonNullable<LanguageModelMiddleware['transformParams']>>[0]['params'];
type GenerateResult = Awaited<ReturnType<MockLanguageModelV4['doGenerate']>>;
type StreamResult = Awaited<ReturnType<MockLanguageModelV4['doStream']>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

/** One answer of the scripted model: text, or a call of a tool with its input. */
export type Step = { text: string } | { tool: string; input: Record<string, unknown> };

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

function generated(step: Step, index: number): GenerateResult {
  if ('text' in step) return { content: [{ type: 'text', text: step.text }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
  return {
    content: [{ type: 'tool-call', toolCallId: `call-${index}`, toolName: step.tool, input: JSON.stringify(step.input) }],
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage,
    warnings: [],
  };
}

function streamed(step: Step, index: number): StreamResult {
  const parts: StreamPart[] =
    'text' in step
      ? [
          { type: 'text-start', id: `text-${index}` },
          ...step.text.split(/(?<= )/).map((delta): StreamPart => ({ type: 'text-delta', id: `text-${index}`, delta })),
          { type: 'text-end', id: `text-${index}` },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ]
      : [
          { type: 'tool-call', toolCallId: `call-${index}`, toolName: step.tool, input: JSON.stringify(step.input) },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
        ];
  return {
    stream: new ReadableStream<StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  };
}

/** A MockLanguageModelV4 that answers `steps` in order, for generate and stream calls alike (the last step repeats). */
export function scriptedModel(steps: Step[]): MockLanguageModelV4 {
  let calls = 0;
  const next = (): [Step, number] => {
    const index = Math.min(calls, steps.length - 1);
    calls += 1;
    return [steps[index] as Step, index];
  };
  return new MockLanguageModelV4({
    doGenerate: async () => generated(...next()),
    doStream: async () => streamed(...next()),
  });
}

/** Every prompt the model was given, generate and stream calls alike, in order. */
export function promptsOf(model: MockLanguageModelV4): CallParams['prompt'][] {
  return [...model.doGenerateCalls, ...model.doStreamCalls].map((call) => call.prompt);
}

/** The system messages of a prompt. */
export function systemTexts(prompt: CallParams['prompt']): string[] {
  return prompt.flatMap((message) => (message.role === 'system' ? [message.content] : []));
}
