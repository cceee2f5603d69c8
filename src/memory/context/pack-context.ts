import type { Episode, Memory, Message } from '../../core/types.js';
import type { ScoreParts } from '../recall/search-service.js';
import type { TokenCounter } from './token-counter.js';

/** A recalled record as a context bundle lists it. */
export interface ContextHit<T> {
  id: string;
  score: number;
  parts: ScoreParts;
  item: T;
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
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

export const memoryLine = (memory: Memory) => `- (${memory.kind}) ${oneLine(memory.content)}`;

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
 */
export function packContext(input: PackInput): PackedContext {
  const { counter, budget, messages } = input;
  const headingCost = new Map(SECTIONS.map(({ section, heading }) => [section, counter.count(heading) + 2]));
  const piece = (section: Section, rank: number, line: string): Piece => ({ section, rank, line, cost: counter.count(line) + 1 });

  const added: Piece[] = [];
  const open = new Set<Section>();
  let used = 0;
  const tryAdd = (candidate: Piece, limit: number): boolean => {
    const cost = candidate.cost + (open.has(candidate.section) ? 0 : headingCost.get(candidate.section)!);
    if (used + cost > limit) return false;
    used += cost;
    open.add(candidate.section);
    added.push(candidate);
    return true;
  };

  const messagePieces = new Map<number, Piece>();
  const messageAt = (index: number) => {
    if (!messagePieces.has(index)) messagePieces.set(index, piece('conversation', index, messageLine(messages[index]!)));
    return messagePieces.get(index)!;
  };
  // The newest messages, within their share.
  let older = messages.length - 1;
  while (older >= 0 && tryAdd(messageAt(older), Math.floor(budget * input.recentShare))) older -= 1;

  // Memories and episodes by score; on a tie, memories first.
  const memoryPieces = input.memories.map((hit, rank) => piece('memories', rank, memoryLine(hit.item)));
  const episodePieces = input.episodes.map((hit, rank) => piece('episodes', rank, episodeLine(hit.item)));
  const scored = [
    ...memoryPieces.map((one, rank) => ({ one, score: input.memories[rank]!.score })),
    ...episodePieces.map((one, rank) => ({ one, score: input.episodes[rank]!.score })),
  ].sort((a, b) => b.score - a.score);
  for (const { one } of scored) tryAdd(one, budget);

  // What is left: the summary, then older messages.
  const summaryPiece = input.summary === undefined ? undefined : piece('conversation', -1, summaryLine(input.summary));
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
  };
}

/** Sections in a fixed order, each a heading and its lines; empty sections are left out. */
function render(pieces: Piece[]): string {
  return SECTIONS.flatMap(({ section, heading }) => {
    const lines = pieces.filter((one) => one.section === section).sort((a, b) => a.rank - b.rank);
    return lines.length === 0 ? [] : [[heading, ...lines.map((one) => one.line)].join('\n')];
  }).join('\n\n');
}
