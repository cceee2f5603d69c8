// The keyword bench's records and queries, from the LoCoMo development split (read from
// ../shared/eval, never copied): every turn once, then pairs of turns joined, so that any number
// of records stays distinct and reads like the dialogue it comes from. The queries are the
// split's questions, as keyword terms.

import { keywordTerms } from '../../src/core/text.js';
import { loadConversations } from '../locomo/dataset.js';

export interface Corpus {
  /** `count` distinct texts. */
  texts(count: number): string[];
  /** Keyword terms of up to `count` questions, none empty. */
  queries(count: number): string[][];
}

export function locomoCorpus(): Corpus {
  const conversations = loadConversations();
  const turns = conversations.flatMap((conversation) => conversation.turns.map((turn) => turn.content));
  const questions = conversations.flatMap((conversation) => conversation.questions.map((question) => question.question));
  return {
    texts(count) {
      const out: string[] = [];
      // Record k beyond the turns joins turn a and turn b, (a, b) walking the pairs in a fixed stride.
      for (let k = 0; k < count; k++) {
        if (k < turns.length) out.push(turns[k]!);
        else {
          const pair = k - turns.length;
          const a = pair % turns.length;
          const b = (a + 1 + Math.floor(pair / turns.length) * 7) % turns.length;
          out.push(`${turns[a]!} ${turns[b]!}`);
        }
      }
      return out;
    },
    queries(count) {
      return questions
        .map((question) => keywordTerms(question))
        .filter((terms) => terms.length > 0)
        .slice(0, count);
    },
  };
}
