// Who said it, and whether it only asked: gentle priors for hybrid search over conversation records.
// - A question about a person ("What books has Tim read?") is answered by what that person said far
//   more often than by what was said to them, yet BM25 barely counts a name found in half the turns.
//   So what someone else said counts for less. When a question names two people, the first one named
//   outside a possessive is the one it asks about ("What did Jon say about Gina's store?"); people
//   asked about together ("What do Jon and Gina both like?") all count in full. The prior lowers
//   rather than lifts, so that a record with no speaker (a memory, most often) is never pushed below
//   a turn merely for being said by the right person.
// - A turn that only asks ("Did you see that band?") shares the query's words but holds none of the
//   answer, which the turn after it gives (and that turn gains from it by neighbour expansion).

import type { Episode, Memory } from '../../core/types.js';

export interface SpeakerPriorOptions {
  /** A record said by someone other than the person a query asks about has its score divided by 1 + speakerWeight; 0 turns it off. */
  speakerWeight: number;
  /** A record that only asks (its text ends in a question mark) has its score multiplied by 1 − questionDiscount; 0 turns it off. */
  questionDiscount: number;
}

type Record_ = Memory | Episode;

/** A transcript line's speaker: "Tim: …", "Dr. Ana Lima: …" (a capitalised name of up to four words). */
const SPEAKER_PREFIX = /^(\p{Lu}[\p{L}\p{M}'’.-]*(?: \p{Lu}[\p{L}\p{M}'’.-]*){0,3}):\s/u;

/**
 * Who said a record: for an episode, the `name` of the message it was promoted from (kept in its
 * metadata); else the name a transcript line opens with. Undefined when neither tells. A memory's
 * metadata `name` is the writer's own and says nothing of a speaker.
 */
export function speakerOf(record: Record_): string | undefined {
  const name = 'occurredAt' in record ? record.metadata.name : undefined;
  if (typeof name === 'string' && name.trim() !== '') return name.trim();
  return SPEAKER_PREFIX.exec(record.content)?.[1];
}

/** Whether a record's text ends in a question: it asks rather than tells. */
export const onlyAsks = (record: Record_): boolean => /\?["'’”)\]]*$/.test(record.content.trimEnd());

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Between two names, what makes them one subject: "Jon and Gina", "Jon & Gina", "Ana, Ben and Cy". */
const JOINED = /^\s*(?:,\s*)?(?:and|&|,)\s*$/iu;

interface Mention {
  speaker: string;
  at: number;
  end: number;
  possessive: boolean;
}

/** The speakers among `candidates` that the query names, each at its first mention, in query order. */
function mentions(query: string, candidates: Iterable<Record_>): Mention[] {
  const speakers = new Set<string>();
  for (const record of candidates) {
    const speaker = speakerOf(record);
    if (speaker !== undefined) speakers.add(speaker);
  }
  const found: Mention[] = [];
  for (const speaker of speakers) {
    const match = new RegExp(`(?<![\\p{L}\\p{N}])${escape(speaker)}(['’]s?)?(?![\\p{L}\\p{N}])`, 'iu').exec(query);
    if (match) found.push({ speaker, at: match.index, end: match.index + match[0].length, possessive: match[1] !== undefined });
  }
  return found.sort((a, b) => a.at - b.at);
}

/** Who the query asks about: the people it names together at its first mention, else the first named outside a possessive. */
export function asksAbout(query: string, candidates: Iterable<Record_>): string[] {
  const named = mentions(query, candidates);
  if (named.length === 0) return [];
  const together = [named[0]!];
  for (const mention of named.slice(1)) {
    if (!JOINED.test(query.slice(together[together.length - 1]!.end, mention.at))) break;
    together.push(mention);
  }
  if (together.length > 1) return together.map(({ speaker }) => speaker);
  return [(named.find((mention) => !mention.possessive) ?? named[0]!).speaker];
}

/** The factor each candidate's score is multiplied by for this query, or undefined when neither prior plays a part. */
export function speakerPrior(query: string, candidates: Iterable<Record_>, options: SpeakerPriorOptions): ((record: Record_) => number) | undefined {
  const subjects = new Set(options.speakerWeight > 0 ? asksAbout(query, candidates) : []);
  if (subjects.size === 0 && options.questionDiscount <= 0) return undefined;
  const other = 1 / (1 + options.speakerWeight);
  return (record) => {
    const speaker = subjects.size > 0 ? speakerOf(record) : undefined;
    const said = speaker !== undefined && !subjects.has(speaker) ? other : 1;
    return options.questionDiscount > 0 && onlyAsks(record) ? said * (1 - options.questionDiscount) : said;
  };
}
