// The shape of a scripted agent scenario: steps an agent takes through the HTTP API, one
// context request, and what the returned bundle must (and must not) hold.

export const CATEGORIES = ['preferences', 'interventions', 'updates', 'time-bounds', 'isolation', 'mixed', 'truth'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * A moment relative to the scenario's clock when the step runs: `daysAgo` whole days back,
 * at `time` (HH:MM, UTC) on that day when given, else the same time of day; `hoursAgo` subtracts more.
 */
export interface When {
  daysAgo?: number;
  hoursAgo?: number;
  time?: string;
}

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool';

export interface MessageItem {
  role: MessageRole;
  content: string;
}

export interface MemoryItem {
  content: string;
  kind?: 'fact' | 'preference' | 'reflection' | 'summary' | 'procedure';
  importance?: number;
  metadata?: Record<string, string | number | boolean>;
  userId?: string;
  /** A name later steps use to PATCH, retract or confirm this memory, or to supersede it. */
  ref?: string;
  /** A slot: the memory supersedes the slot's current one (docs/truth.md). */
  key?: string;
  /** Since when the fact has held, for one learned late. */
  validFrom?: When;
  /** Refs of memories this one replaces. */
  supersedes?: string[];
}

export interface EpisodeItem {
  kind: string;
  content: string;
  role?: MessageRole;
  /** occurredAt; the clock's now when absent. */
  at?: When;
  userId?: string;
  sessionId?: string;
  metadata?: Record<string, string | number | boolean>;
  task?: string;
  context?: string;
  outcome?: 'task_completed' | 'task_failed' | 'abandoned' | 'unknown';
}

/** Scope shared by the items of a write step. `namespace` is a suffix of the scenario's own namespace. */
interface StepScope {
  namespace?: string;
  userId?: string;
  agentId?: string;
  sessionId?: string;
}

export interface ContextAsk {
  namespace?: string;
  sessionId?: string;
  userId?: string;
  agentId?: string;
  query?: string;
  /** What held at that moment, instead of what holds now. */
  asOf?: When;
  includeSuperseded?: boolean;
  tokenBudget?: number;
  limit?: number;
  types?: Array<'memories' | 'episodes'>;
  filters?: {
    kind?: string | string[];
    from?: When;
    to?: When;
    metadata?: Record<string, string | number | boolean>;
  };
}

export type Step =
  | ({ do: 'remember'; memories: MemoryItem[] } & StepScope)
  | ({ do: 'record'; episodes: EpisodeItem[] } & StepScope)
  /** PUT a session: create or replace it with these messages. */
  | { do: 'session'; sessionId: string; namespace?: string; userId?: string; agentId?: string; messages: MessageItem[] }
  /** Append messages to a session. */
  | { do: 'say'; sessionId: string; namespace?: string; messages: MessageItem[] }
  | { do: 'patch'; ref: string; namespace?: string; set: { content?: string; kind?: MemoryItem['kind']; importance?: number } }
  /** Ask for a context bundle without checking it (warms the response cache). */
  | { do: 'context'; ask: ContextAsk }
  /** POST /memories/{id}/retract: the fact no longer holds (since `at`, default now). */
  | { do: 'retract'; ref: string; namespace?: string; reason?: string; at?: When }
  /** POST /memories/{id}/confirm. */
  | { do: 'confirm'; ref: string; namespace?: string }
  | { do: 'wait'; days?: number; hours?: number; minutes?: number };

export interface Expectation {
  /** Each must appear in the bundle's `text`. */
  contains: string[];
  /** None may appear in the bundle's `text`. */
  excludes?: string[];
  /**
   * Texts that must appear in this order in the `memories` (or `episodes`) array: the first must be
   * present; a later one may be missing (merged or dropped), but if present it must rank lower.
   */
  order?: string[];
  orderIn?: 'memories' | 'episodes';
  /** The memory holding this text lists exactly these sessions (provenance), and no other memory of the bundle holds it. */
  sessionsOf?: { content: string; sessions: string[] };
}

export interface Scenario {
  name: string;
  category: Category;
  /**
   * Set when the question shares no content word with the text it needs, so only the vector
   * embedder can connect them. Keyword-only runs still run these but leave them out of the bar.
   */
  needsVectors?: boolean;
  steps: Step[];
  ask: ContextAsk;
  expect: Expectation;
}

// ── Authoring shorthands ──────────────────────────────────────────────────

export const user = (content: string): MessageItem => ({ role: 'user', content });
export const assistant = (content: string): MessageItem => ({ role: 'assistant', content });
export const daysAgo = (days: number, time?: string): When => (time === undefined ? { daysAgo: days } : { daysAgo: days, time });
