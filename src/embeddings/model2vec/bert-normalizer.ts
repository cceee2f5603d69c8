// BERT's text normalizer and pre-tokenizer, as Hugging Face tokenizers (Rust; what Python's
// `tokenizers` and so model2vec run) defines them in normalizers/bert.rs and pre_tokenizers/bert.rs.
// Where the pure-JS port (@huggingface/tokenizers) differs from the Rust code, this follows Rust:
// - lowercasing is per character (char::to_lowercase), so a final 'Σ' becomes 'σ', never the
//   context-dependent 'ς' that String.prototype.toLowerCase gives;
// - CJK ideographs outside the BMP (U+20000…) are spaced too (the JS port tests UTF-16 units), with
//   Rust's ranges (its extension-E range starts at U+2B920);
// - accents are stripped before lowercasing, in Rust's order.

/** The `normalizer` of a BERT tokenizer.json. */
export interface BertNormalizerConfig {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  /** null: follow `lowercase`. */
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

// Control characters are removed (Rust: `is_other()`, i.e. Cc, Cf, Co; tab, LF and CR are
// whitespace instead). U+FFFD goes too. Lone surrogates cannot reach Rust; here they go as well.
const CONTROL = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/gu;
// Rust's char::is_whitespace (the Unicode White_Space property), less the ASCII space itself.
const WHITESPACE_CHARS = '\\t\\n\\v\\f\\r\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE = new RegExp(`[${WHITESPACE_CHARS}]`, 'g');
const CJK =
  /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
const NONSPACING_MARK = /\p{Mn}/gu;
/** Text that every step leaves as it is, except lowercasing. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A function that normalizes text as the configured BertNormalizer does. */
export function bertNormalizer(config: BertNormalizerConfig): (text: string) => string {
  const clean = config.clean_text ?? true;
  const chinese = config.handle_chinese_chars ?? true;
  const lowercase = config.lowercase ?? true;
  const strip = config.strip_accents ?? lowercase;
  return (text) => {
    if (PRINTABLE_ASCII.test(text)) return lowercase ? text.toLowerCase() : text;
    let out = text;
    if (clean) out = out.replace(CONTROL, '').replace(WHITESPACE, ' ');
    if (chinese) out = out.replace(CJK, ' $& ');
    if (strip) out = out.normalize('NFD').replace(NONSPACING_MARK, '');
    // 'Σ' is the one character whose String#toLowerCase depends on context (final sigma).
    if (lowercase) out = out.replaceAll('Σ', 'σ').toLowerCase();
    return out;
  };
}

// BERT punctuation: the four ASCII ranges 33–47, 58–64, 91–96, 123–126, plus Unicode P*.
const PUNCTUATION_CHARS = '\\p{P}!-\\/:-@\\[-`{-~';
/** A run of characters that are neither whitespace nor punctuation, or one punctuation character. */
const WORD_OR_PUNCTUATION = new RegExp(`[^ ${WHITESPACE_CHARS}${PUNCTUATION_CHARS}]+|[${PUNCTUATION_CHARS}]`, 'gu');

/** 0: part of a word; 1: whitespace; 2: punctuation, for ASCII code units. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const punctuation = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
  ASCII_CLASS[c] = c === 32 || (c >= 9 && c <= 13) ? 1 : punctuation ? 2 : 0;
}

/**
 * BertPreTokenizer: split on whitespace (dropped), then isolate every punctuation character.
 * Calls `onWord` for each piece, in order.
 */
export function bertPreTokenize(text: string, onWord: (word: string) => void): void {
  const n = text.length;
  let start = 0;
  let i = 0;
  // ASCII is scanned by hand; the first code unit past ASCII hands the rest to the regex.
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) break;
    const kind = ASCII_CLASS[c]!;
    if (kind === 0) continue;
    if (i > start) onWord(text.slice(start, i));
    if (kind === 2) onWord(text[i]!);
    start = i + 1;
  }
  if (i === n) {
    if (n > start) onWord(text.slice(start));
    return;
  }
  WORD_OR_PUNCTUATION.lastIndex = start;
  for (let match = WORD_OR_PUNCTUATION.exec(text); match; match = WORD_OR_PUNCTUATION.exec(text)) onWord(match[0]);
}
