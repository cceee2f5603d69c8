// A BERT-style WordPiece tokenizer built from a Hugging Face tokenizer.json: added tokens, then
// BertNormalizer, BertPreTokenizer and the WordPiece model, exactly what the file declares. It
// encodes as Python `Tokenizer.encode(text, add_special_tokens=False)` does, which is how
// model2vec tokenizes: no [CLS]/[SEP] from the post-processor, but added tokens that appear
// literally in the text (e.g. "[CLS]") still become their ids. [UNK] ids are kept here, so that
// the output compares one-to-one with the reference; the provider drops them, as model2vec does.
// Anything else a tokenizer.json can declare (BPE, other normalizers, padding) is refused.

import { MemosError } from '../../core/errors.js';
import { bertNormalizer, bertPreTokenize, type BertNormalizerConfig } from './bert-normalizer.js';

interface AddedToken {
  id: number;
  content: string;
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const LEADING_SPACE = /^\s+/u;
const TRAILING_SPACE = /\s+$/u;
const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (!isLow(text.charCodeAt(i)) || i === 0 || !isHigh(text.charCodeAt(i - 1))) count++;
  return count;
}

/**
 * Leftmost-longest matches of the added tokens, as the reference's Aho-Corasick search finds
 * them: a regex alternation tried longest first. Null when there are no tokens.
 */
function addedTokenPattern(contents: string[]): RegExp | null {
  if (contents.length === 0) return null;
  const sorted = [...contents].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

/** The parts of a tokenizer.json read here; everything is checked before use. */
interface TokenizerJson {
  model?: {
    type?: unknown;
    vocab?: unknown;
    unk_token?: unknown;
    continuing_subword_prefix?: unknown;
    max_input_chars_per_word?: unknown;
  };
  normalizer?: (BertNormalizerConfig & { type?: unknown }) | null;
  pre_tokenizer?: { type?: unknown } | null;
  added_tokens?: unknown;
  truncation?: { max_length?: unknown; direction?: unknown } | null;
  padding?: unknown;
}

export class WordPieceTokenizer {
  /** Token → id: the model vocabulary plus the added tokens (Python `get_vocab()`). */
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkId: number;
  private readonly model: Map<string, number>;
  private readonly prefix: string;
  private readonly maxChars: number;
  /** Longest vocabulary entry, in UTF-16 units: no longer piece can match. */
  private readonly maxPieceUnits: number;
  private readonly normalize: (text: string) => string;
  private readonly added: Map<string, AddedToken>;
  private readonly rawPattern: RegExp | null;
  private readonly normalizedPattern: RegExp | null;
  private readonly truncation: { maxLength: number; left: boolean } | null;

  /** Builds a tokenizer from a parsed tokenizer.json; `file` names it in E_CONFIG errors. */
  constructor(json: unknown, file: string) {
    const fail = (problem: string): never => {
      throw new MemosError('E_CONFIG', `${file}: ${problem}`);
    };
    const spec = (typeof json === 'object' && json !== null ? json : fail('not a JSON object')) as TokenizerJson;
    const model = spec.model ?? {};
    if (model.type !== 'WordPiece') fail(`model type ${JSON.stringify(model.type)} is not supported (only WordPiece)`);
    const normalizer = spec.normalizer;
    if (normalizer != null && normalizer.type !== 'BertNormalizer') {
      fail(`normalizer ${JSON.stringify(normalizer.type)} is not supported (only BertNormalizer)`);
    }
    if (spec.pre_tokenizer?.type !== 'BertPreTokenizer') {
      fail(`pre_tokenizer ${JSON.stringify(spec.pre_tokenizer?.type)} is not supported (only BertPreTokenizer)`);
    }
    if (spec.padding != null) fail('padding is not supported');

    if (typeof model.vocab !== 'object' || model.vocab === null) fail('model.vocab is missing');
    this.model = new Map();
    let maxPieceUnits = 0;
    for (const [token, id] of Object.entries(model.vocab as Record<string, unknown>)) {
      if (!Number.isSafeInteger(id) || (id as number) < 0) fail(`vocab entry ${JSON.stringify(token)} has a bad id`);
      this.model.set(token, id as number);
      maxPieceUnits = Math.max(maxPieceUnits, token.length);
    }
    this.maxPieceUnits = maxPieceUnits;
    this.prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##';
    const maxChars = model.max_input_chars_per_word;
    this.maxChars = typeof maxChars === 'number' && Number.isSafeInteger(maxChars) ? maxChars : 100;
    const unkId = this.model.get(typeof model.unk_token === 'string' ? model.unk_token : '[UNK]');
    if (unkId === undefined) fail(`unk_token ${JSON.stringify(model.unk_token)} is not in the vocabulary`);
    this.unkId = unkId!;
    this.normalize = normalizer == null ? (text) => text : bertNormalizer(normalizer);

    const vocab = new Map(this.model);
    this.added = new Map();
    if (spec.added_tokens != null && !Array.isArray(spec.added_tokens)) fail('added_tokens is not a list');
    for (const raw of (spec.added_tokens ?? []) as Record<string, unknown>[]) {
      const { id, content } = raw;
      if (!Number.isSafeInteger(id) || typeof content !== 'string' || content === '') fail('an added token is malformed');
      if (raw.single_word === true) fail(`added token ${JSON.stringify(content)}: single_word is not supported`);
      const special = raw.special === true;
      const token: AddedToken = {
        id: id as number,
        content: content as string,
        normalized: typeof raw.normalized === 'boolean' ? raw.normalized : !special,
        lstrip: raw.lstrip === true,
        rstrip: raw.rstrip === true,
      };
      // A normalized token is matched, like the text, after normalization (if anything is left).
      const key = token.normalized ? this.normalize(token.content) : token.content;
      if (key !== '') this.added.set(key, token);
      vocab.set(token.content, token.id);
    }
    this.vocab = vocab;
    const tokens = [...this.added.entries()];
    this.rawPattern = addedTokenPattern(tokens.filter(([, token]) => !token.normalized).map(([key]) => key));
    this.normalizedPattern = addedTokenPattern(tokens.filter(([, token]) => token.normalized).map(([key]) => key));

    const truncation = spec.truncation;
    if (truncation != null && !Number.isSafeInteger(truncation.max_length)) fail('truncation.max_length is malformed');
    this.truncation = truncation == null ? null : { maxLength: truncation.max_length as number, left: truncation.direction === 'Left' };
  }

  /** Token ids of `text`, without special tokens; [UNK] included. */
  encode(text: string): number[] {
    const ids: number[] = [];
    const onWord = (word: string) => this.wordPiece(word, ids);
    this.splitAdded(text, this.rawPattern, (piece, token) => {
      if (token) return void ids.push(token.id);
      const normalized = this.normalize(piece);
      this.splitAdded(normalized, this.normalizedPattern, (inner, innerToken) => {
        if (innerToken) ids.push(innerToken.id);
        else bertPreTokenize(inner, onWord);
      });
    });
    if (this.truncation && ids.length > this.truncation.maxLength) {
      const { maxLength, left } = this.truncation;
      return left ? ids.slice(ids.length - maxLength) : ids.slice(0, maxLength);
    }
    return ids;
  }

  /** Calls `emit` with the text between added tokens and with each token, honouring lstrip/rstrip. */
  private splitAdded(text: string, pattern: RegExp | null, emit: (piece: string, token?: AddedToken) => void): void {
    if (pattern === null) return emit(text);
    pattern.lastIndex = 0;
    let match = pattern.exec(text);
    if (match === null) return emit(text);
    let start = 0;
    let stripNext = false;
    while (match !== null) {
      const token = this.added.get(match[0])!;
      let before = text.slice(start, match.index);
      if (stripNext) before = before.replace(LEADING_SPACE, '');
      if (token.lstrip) before = before.replace(TRAILING_SPACE, '');
      if (before !== '') emit(before);
      emit(match[0], token);
      start = match.index + match[0].length;
      stripNext = token.rstrip;
      match = pattern.exec(text);
    }
    let rest = text.slice(start);
    if (stripNext) rest = rest.replace(LEADING_SPACE, '');
    if (rest !== '') emit(rest);
  }

  /** Greedy longest-match-first WordPiece; a word that cannot be covered is one [UNK]. */
  private wordPiece(word: string, out: number[]): void {
    if (word.length > this.maxChars && countCodePoints(word) > this.maxChars) return void out.push(this.unkId);
    const whole = this.model.get(word);
    if (whole !== undefined) return void out.push(whole);
    const first = out.length;
    const n = word.length;
    for (let start = 0; start < n; ) {
      let end = Math.min(n, start + this.maxPieceUnits);
      if (end < n && isLow(word.charCodeAt(end)) && isHigh(word.charCodeAt(end - 1))) end--;
      let id: number | undefined;
      while (end > start) {
        id = this.model.get(start === 0 ? word.slice(0, end) : this.prefix + word.slice(start, end));
        if (id !== undefined) break;
        end -= end - 2 >= start && isLow(word.charCodeAt(end - 1)) && isHigh(word.charCodeAt(end - 2)) ? 2 : 1;
      }
      if (id === undefined) {
        out.length = first;
        return void out.push(this.unkId);
      }
      out.push(id);
      start = end;
    }
  }
}
