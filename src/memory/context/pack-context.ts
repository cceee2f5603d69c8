import { normaliseContent } from '../../core/text.js';
import type { Episode, Memory, Message } from '../../core/types.js';
import type { ScoreParts } from '../recall/search-service.js';
import type { TokenCounter } from './token-counter.js';

/** A recalled record as a context bundle lists it. */
export interface ContextHit<T> {
  id: string;
  score: number;
  parts: ScoreParts;
  item: T;
  /** Memories only: past the kind's review period (docs/truth.md "Freshness"); its line says so. */
  stale?: boolean;
  /** Memories only: other recalled memories it is flagged as likely contradicting; its line says so, with when it was stated. */
  conflictsWith?: string[];
}

export interface PackInput {
  counter: TokenCounter;
  budget: number;
  /** Share of the budget first kept for the newest messages (0 to 1). */
  recentShare: number;
  /** The session's messages, oldest first. */
  messages: Message[];
  summary?: string | undefined;
  /** Best first. */
  memories: ContextHit<Memory>[];
  /** Best first. */
  episodes: ContextHit<Episode>[];
}

export interface PackedContext {
  text: string;
  /** `counter.count(text)`, never more than the budget. */
  tokens: number;
  /** The messages in `text`, oldest first: the newest ones of the session, without gaps. */
  messages: Message[];
  summary: string | null;
  memories: ContextHit<Memory>[];
  episodes: ContextHit<Episode>[];
  /** Memories and episodes left out because their text was already in the bundle (not for lack of room). */
  duplicates: { memories: number; episodes: number };
}

type Section = 'memories' | 'episodes' | 'conversation';

const SECTIONS: Array<{ section: Section; heading: string }> = [
  { section: 'memories', heading: '## What I know about the user' },
  { section: 'episodes', heading: '## Relevant past events' },
  { section: 'conversation', heading: '## Recent conversation' },
];

/** One line of the rendered text; `rank` orders lines within their section. */
interface Piece {
  section: Section;
  rank: number;
  line: string;
  /** Estimated tokens: the line and the newline that follows it. */
  cost: number;
  /** The text the line shows, normalised (case, spacing, a final full stop): two pieces with one key say the same thing. */
  key: string;
  /** A message of the conversation, as opposed to a memory, an episode or the summary. */
  message: boolean;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/**
 * A memory's line: its kind, then what the reader should weigh. A stale one says when it was last
 * confirmed, so that the reader re-checks it rather than asserting it; one flagged against another
 * line says when it was stated, so that the later statement can win; one no longer current (asked
 * for with `asOf` or `includeSuperseded`) says since when.
 */
export function memoryLine(memory: Memory, stale = false, disputed = false): string {
  const notes: string[] = [memory.kind];
  if (stale) notes.push(`last confirmed ${memory.lastConfirmedAt.slice(0, 10)}: may be out of date`);
  if (disputed) notes.push(`stated ${memory.validFrom.slice(0, 10)}; may contradict another line`);
  if (memory.validTo !== undefined) notes.push(memory.supersededBy !== undefined ? `superseded ${memory.validTo.slice(0, 10)}` : `retracted: not true from ${memory.validTo.slice(0, 10)}`);
  return `- (${notes.join(', ')}) ${oneLine(memory.content)}`;
}

export function episodeLine(episode: Episode): string {
  const labels = [episode.kind, ...(episode.outcome === undefined ? [] : [episode.outcome])].join(', ');
  const speaker = episode.role === undefined ? '' : `${episode.role}: `;
  const task = episode.task === undefined ? '' : ` [task: ${oneLine(episode.task)}]`;
  return `- ${episode.occurredAt.slice(0, 10)} (${labels}) ${speaker}${oneLine(episode.content)}${task}`;
}

export const messageLine = (message: Message) => `${message.role}${message.name === undefined ? '' : ` (${message.name})`}: ${message.content}`;

const summaryLine = (summary: string) => `Earlier in this conversation: ${oneLine(summary)}`;

/**
 * Fits a bundle into `budget` tokens. The newest messages first get up to `recentShare` of the
 * budget; memories and episodes then fill what is left, best score first; what remains goes to the
 * session summary and to older messages. An item that does not fit is skipped whole, never cut
 * (a skipped message also ends the run of messages, so that the conversation shown has no gaps).
 * Tokens of a concatenation are not the sum of its parts, so the rendered text is counted at the
 * end, and the last-chosen items are dropped until it fits: the budget is never exceeded.
 *
 * No text is rendered twice: a memory, episode or summary whose text (normalised as duplicate
 * memories are) is already in the bundle is left out, so the first in the order above wins, and a
 * message of the conversation always keeps its place: when an older message joins the
 * conversation, a memory, episode or summary that said the same thing gives its place up to it.
 * Repeated turns of the conversation itself (two "yes") are separate utterances and both stay.
 */
export function packContext(input: PackInput): PackedContext {
  const { counter, budget, messages } = input;
  const headingCost = new Map(SECTIONS.map(({ section, heading }) => [section, counter.count(heading) + 2]));
  const piece = (section: Section, rank: number, line: string, text: string): Piece => ({
    section,
    rank,
    line,
    cost: counter.count(line) + 1,
    key: normaliseContent(text),
    message: section === 'conversation' && rank >= 0,
  });

  const added: Piece[] = [];
  /** Pieces added per section: a section's heading is paid for by its first piece. */
  const inSection = new Map<Section, number>();
  /** The piece that shows each text, by key. */
  const shown = new Map<string, Piece>();
  /** Pieces left out because their text was shown by another. */
  const repeats = new Set<Piece>();
  let used = 0;
  /** What `candidate` costs, its section's heading included when the section has no other piece than `leaving`. */
  const costOf = (candidate: Piece, leaving?: Piece) => {
    const others = (inSection.get(candidate.section) ?? 0) - (leaving?.section === candidate.section ? 1 : 0);
    return candidate.cost + (others > 0 ? 0 : headingCost.get(candidate.section)!);
  };
  const remove = (one: Piece) => {
    added.splice(added.indexOf(one), 1);
    inSection.set(one.section, inSection.get(one.section)! - 1);
  };
  const tryAdd = (candidate: Piece, limit: number): boolean => {
    const earlier = shown.get(candidate.key);
    let leaving: Piece | undefined;
    if (earlier !== undefined && !(candidate.message && earlier.message)) {
      if (!candidate.message) {
        repeats.add(candidate); // already shown: nothing to add, and not for lack of room
        return true;
      }
      leaving = earlier; // a message takes the place of the memory, episode or summary that showed its text
    }
    const freed = leaving === undefined ? 0 : costOf(leaving, leaving);
    const cost = costOf(candidate, leaving);
    if (used - freed + cost > limit) return false;
    if (leaving !== undefined) {
      remove(leaving);
      repeats.add(leaving);
    }
    used += cost - freed;
    inSection.set(candidate.section, (inSection.get(candidate.section) ?? 0) + 1);
    added.push(candidate);
    if (shown.get(candidate.key)?.message !== true) shown.set(candidate.key, candidate);
    return true;
  };

  const messagePieces = new Map<number, Piece>();
  const messageAt = (index: number) => {
    if (!messagePieces.has(index)) messagePieces.set(index, piece('conversation', index, messageLine(messages[index]!), messages[index]!.content));
    return messagePieces.get(index)!;
  };
  // The newest messages, within their share.
  let older = messages.length - 1;
  while (older >= 0 && tryAdd(messageAt(older), Math.floor(budget * input.recentShare))) older -= 1;

  // Memories and episodes by score; on a tie, memories first.
  const memoryPieces = input.memories.map((hit, rank) => piece('memories', rank, memoryLine(hit.item, hit.stale === true, (hit.conflictsWith?.length ?? 0) > 0), hit.item.content));
  const episodePieces = input.episodes.map((hit, rank) => piece('episodes', rank, episodeLine(hit.item), hit.item.content));
  const scored = [
    ...memoryPieces.map((one, rank) => ({ one, score: input.memories[rank]!.score })),
    ...episodePieces.map((one, rank) => ({ one, score: input.episodes[rank]!.score })),
  ].sort((a, b) => b.score - a.score);
  for (const { one } of scored) tryAdd(one, budget);

  // What is left: the summary, then older messages.
  const summaryPiece = input.summary === undefined ? undefined : piece('conversation', -1, summaryLine(input.summary), input.summary);
  if (summaryPiece !== undefined) tryAdd(summaryPiece, budget);
  while (older >= 0 && tryAdd(messageAt(older), budget)) older -= 1;

  let text = render(added);
  let tokens = counter.count(text);
  while (tokens > budget) {
    // Drop the last-chosen pieces (lowest priority first) until their estimates cover the overshoot.
    for (let over = tokens - budget; over > 0 && added.length > 0; ) over -= added.pop()!.cost;
    text = render(added);
    tokens = counter.count(text);
  }

  const kept = new Set(added);
  return {
    text,
    tokens,
    messages: messages.filter((_, index) => messagePieces.has(index) && kept.has(messagePieces.get(index)!)),
    summary: summaryPiece !== undefined && kept.has(summaryPiece) ? input.summary! : null,
    memories: input.memories.filter((_, rank) => kept.has(memoryPieces[rank]!)),
    episodes: input.episodes.filter((_, rank) => kept.has(episodePieces[rank]!)),
    // A repeat counts as such only while the piece that shows its text made it into the final text.
    duplicates: {
      memories: memoryPieces.filter((one) => repeats.has(one) && kept.has(shown.get(one.key)!)).length,
      episodes: episodePieces.filter((one) => repeats.has(one) && kept.has(shown.get(one.key)!)).length,
    },
  };
}

/** Sections in a fixed order, each a heading and its lines; empty sections are left out. */
function render(pieces: Piece[]): string {
  return SECTIONS.flatMap(({ section, heading }) => {
    const lines = pieces.filter((one) => one.section === section).sort((a, b) => a.rank - b.rank);
    return lines.length === 0 ? [] : [[heading, ...lines.map((one) => one.line)].join('\n')];
  }).join('\n\n');
}
