// A plain Okapi BM25 over the same turns, written independently of memOS (k1 1.2, b 0.75, an
// English stopword list and a light suffix stemmer), so that every report has a fixed yardstick.

const K1 = 1.2;
const B = 0.75;

const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can
  could did do does doing down during each few for from further had has have having he her here hers herself him himself his
  how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours
  ourselves out over own same she should so some such than that the their theirs them themselves then there these they this
  those through to too under until up very was we were what when where which while who whom why will with would you your
  yours yourself yourselves`.split(/\s+/),
);

/** Light stemming: plural and common verb endings only, so that "paints", "painted" and "painting" meet. */
export function lightStem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('es') && word.length > 4 && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function analyse(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  return words.map((word) => word.replace(/'s$/, '').replace(/'/g, '')).filter((word) => word.length > 0 && !STOPWORDS.has(word)).map(lightStem);
}

export interface Bm25Index {
  /** Document ids, best first, at most `limit`. */
  search(query: string, limit: number): string[];
}

export function buildBm25(documents: { id: string; text: string }[]): Bm25Index {
  const postings = new Map<string, Map<number, number>>();
  const lengths: number[] = [];
  documents.forEach((document, index) => {
    const terms = analyse(document.text);
    lengths.push(terms.length);
    for (const term of terms) {
      let posting = postings.get(term);
      if (!posting) postings.set(term, (posting = new Map()));
      posting.set(index, (posting.get(index) ?? 0) + 1);
    }
  });
  const count = documents.length;
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, count);

  return {
    search(query, limit) {
      const scores = new Map<number, number>();
      for (const term of new Set(analyse(query))) {
        const posting = postings.get(term);
        if (!posting) continue;
        const idf = Math.log(1 + (count - posting.size + 0.5) / (posting.size + 0.5));
        for (const [index, tf] of posting) {
          const norm = tf + K1 * (1 - B + (B * (lengths[index] ?? 0)) / averageLength);
          scores.set(index, (scores.get(index) ?? 0) + (idf * tf * (K1 + 1)) / norm);
        }
      }
      return [...scores]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, limit)
        .map(([index]) => documents[index]!.id);
    },
  };
}
