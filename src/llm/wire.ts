// The OpenAI `/chat/completions` wire format, as OpenAI, LM Studio, Ollama, vLLM and llama.cpp speak
// it: only the parts memOS sends and reads.

import { z } from 'zod';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The request body: structured output through `response_format: json_schema`, temperature 0. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  response_format: {
    type: 'json_schema';
    json_schema: { name: string; strict: true; schema: Record<string, unknown> };
  };
}

export const chatCompletionResponseSchema = z.object({
  id: z.string().nullish(),
  object: z.string().nullish(),
  model: z.string().nullish(),
  choices: z.array(
    z.object({
      index: z.number().int().nullish(),
      message: z.object({
        role: z.string().nullish(),
        content: z.string().nullish(),
        /** OpenAI's structured outputs: the model declined, in words, instead of answering. */
        refusal: z.string().nullish(),
      }),
      /** `length` means the answer was cut off: its JSON is incomplete. */
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).partial().nullish(),
});

export type ChatCompletionResponse = z.infer<typeof chatCompletionResponseSchema>;
