/** Counts tokens the way a model's tokenizer does, so that a context bundle can be held to a budget. */
export interface TokenCounter {
  /** The encoding's name, reported with every bundle, e.g. `o200k_base`. */
  readonly name: string;
  count(text: string): number;
}

/** The encoding of the GPT-4o and later OpenAI models, a common yardstick for prompt budgets. */
export const DEFAULT_ENCODING = 'o200k_base';

let loading: Promise<TokenCounter> | undefined;

/**
 * The `o200k_base` counter from gpt-tokenizer (pure JavaScript, its ranks bundled in the package:
 * nothing is fetched). Loaded on first use, since parsing the ranks takes a few hundred milliseconds.
 * Special-token strings such as `<|endoftext|>` in the text are counted as plain text.
 */
export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
    const plainText = { disallowedSpecial: new Set<string>() };
    return { name: DEFAULT_ENCODING, count: (text: string) => (text === '' ? 0 : countTokens(text, plainText)) };
  });
  return loading;
}
