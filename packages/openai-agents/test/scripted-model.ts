// A stand-in for an LLM that speaks the Agents SDK's own `Model` interface: each call answers the
// next scripted turn, and every request the runner sent is kept for the test to read.
import { Usage, type AgentOutputItem, type Model, type ModelRequest, type ModelResponse, type StreamEvent } from '@openai/agents-core';

export type Turn = (request: ModelRequest) => AgentOutputItem[];

export class ScriptedModel implements Model {
  readonly requests: ModelRequest[] = [];
  readonly #turns: Turn[];

  constructor(turns: Turn[]) {
    this.#turns = [...turns];
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push({ ...request, input: structuredClone(request.input) });
    const turn = this.#turns.shift();
    if (turn === undefined) throw new Error(`the script has no turn ${this.requests.length}`);
    return { usage: new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }), output: turn(request), responseId: `resp_${this.requests.length}` };
  }

  /** A streamed turn: the whole answer in one `response_done` event, as a provider's stream ends. */
  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { output, responseId } = await this.getResponse(request);
    const usage = { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 };
    yield { type: 'response_done', response: { id: responseId ?? 'resp', usage, output } } as StreamEvent;
  }

  /** The items the model was given on call `index` (the runner sends history plus the new input). */
  inputOf(index: number): unknown[] {
    const input = this.requests[index]?.input;
    return typeof input === 'string' ? [{ role: 'user', content: input }] : (input ?? []);
  }
}

let counter = 0;

/** An assistant's text answer, as the OpenAI Responses model returns one. */
export const say = (text: string): AgentOutputItem => ({
  type: 'message',
  id: `msg_${++counter}`,
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text }],
});

/** A function call, as the model emits it. */
export const callTool = (name: string, args: Record<string, unknown>): AgentOutputItem => ({
  type: 'function_call',
  id: `fc_${++counter}`,
  callId: `call_${counter}`,
  name,
  arguments: JSON.stringify(args),
  status: 'completed',
});
