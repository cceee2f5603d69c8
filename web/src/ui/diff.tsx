// A word-level diff of two texts (a memory's content between versions): the longest common
// subsequence over words, whitespace kept with each word so the result reads as the text did.
// Insertions and deletions are <ins>/<del>, which say what changed without relying on colour.

export type DiffPart = { op: 'same' | 'added' | 'removed'; text: string };

/** Past this many word pairs the diff shows the texts as wholly replaced: memories are short, and the table grows as the product. */
const MOST_CELLS = 250_000;

/** Words with the whitespace that follows each: `"a b"` → `["a ", "b"]`. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The parts of `after` against `before`: kept, removed and added runs of words, in reading order. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = words(before);
  const b = words(after);
  if (a.length * b.length > MOST_CELLS) return merge([...a.map((text) => ({ op: 'removed' as const, text })), ...b.map((text) => ({ op: 'added' as const, text }))]);
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..], compared without trailing whitespace.
  const key = (word: string) => word.trimEnd();
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1)
    for (let j = b.length - 1; j >= 0; j -= 1) lengths[i]![j] = key(a[i]!) === key(b[j]!) ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (key(a[i]!) === key(b[j]!)) {
      parts.push({ op: 'same', text: b[j]! });
      i += 1;
      j += 1;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) parts.push({ op: 'removed', text: a[i++]! });
    else parts.push({ op: 'added', text: b[j++]! });
  }
  while (i < a.length) parts.push({ op: 'removed', text: a[i++]! });
  while (j < b.length) parts.push({ op: 'added', text: b[j++]! });
  return merge(parts);
}

/** Adjacent parts of the same kind as one run, so a replaced phrase reads as one deletion and one insertion. */
function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last !== undefined && last.op === part.op) last.text += part.text;
    else out.push({ ...part });
  }
  return out;
}

/** `before` → `after` as one text, removed words struck through and added ones underlined. */
export function WordDiff(props: { before: string; after: string }) {
  const parts = wordDiff(props.before, props.after);
  return (
    <p class="word-diff">
      {parts.map((part, index) =>
        part.op === 'same' ? (
          <span key={index}>{part.text}</span>
        ) : part.op === 'removed' ? (
          <del key={index} title="removed">
            {part.text}
          </del>
        ) : (
          <ins key={index} title="added">
            {part.text}
          </ins>
        ),
      )}
    </p>
  );
}
