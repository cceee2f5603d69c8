// The LoCoMo development split, read from ../shared/eval (never copied into the project) and
// shaped as the eval README describes: one turn per episode, evidence ids repaired, category 5 left out.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CATEGORY_NAMES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };
const SCORED_CATEGORIES = new Set([1, 2, 3, 4]);

export interface Turn {
  diaId: string;
  /** `session_3`. */
  session: string;
  speaker: string;
  /** `"<speaker>: <text>"`, plus `" [image: <caption>]"` when the turn shares an image. */
  content: string;
  occurredAt: string;
}

export interface Question {
  question: string;
  category: number;
  /** Evidence turn ids, repaired and deduplicated; never empty. */
  evidence: string[];
}

export interface Conversation {
  id: string;
  turns: Turn[];
  questions: Question[];
}

interface RawTurn {
  dia_id: string;
  speaker: string;
  text: string;
  blip_caption?: string;
}

interface RawSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: { question: string; evidence?: unknown; category: number }[];
}

const DEFAULT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'eval', 'locomo-dev.json');

/** Where the split is read from: LOCOMO_PATH, else ../shared/eval/locomo-dev.json beside the checkout. */
export function datasetPath(): string {
  return resolve(process.env.LOCOMO_PATH ?? DEFAULT_PATH);
}

export function loadConversations(path = datasetPath()): Conversation[] {
  if (!existsSync(path)) throw new Error(`LoCoMo development split not found at ${path} (set LOCOMO_PATH)`);
  const samples = JSON.parse(readFileSync(path, 'utf8')) as RawSample[];
  return samples.map(toConversation);
}

function toConversation(sample: RawSample): Conversation {
  const conversation = sample.conversation;
  const sessions = Object.keys(conversation)
    .map((key) => /^session_(\d+)$/.exec(key))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);

  const turns: Turn[] = [];
  for (const n of sessions) {
    const occurredAt = parseSessionDate(String(conversation[`session_${n}_date_time`]));
    for (const raw of conversation[`session_${n}`] as RawTurn[]) {
      const caption = raw.blip_caption ? ` [image: ${raw.blip_caption}]` : '';
      turns.push({ diaId: raw.dia_id, session: `session_${n}`, speaker: raw.speaker, content: `${raw.speaker}: ${raw.text}${caption}`, occurredAt });
    }
  }

  const known = new Set(turns.map((turn) => turn.diaId));
  const questions: Question[] = [];
  for (const qa of sample.qa) {
    if (!SCORED_CATEGORIES.has(qa.category)) continue;
    const evidence = repairEvidence(qa.evidence).filter((id) => known.has(id));
    if (evidence.length > 0) questions.push({ question: qa.question, category: qa.category, evidence });
  }
  return { id: sample.sample_id, turns, questions };
}

/** Splits `"D8:6; D9:17"`, fixes `"D:11:26"` → `D11:26` and `"D30:05"` → `D30:5`, removes repeats. */
export function repairEvidence(evidence: unknown): string[] {
  const items = Array.isArray(evidence) ? evidence : evidence === undefined ? [] : [evidence];
  const ids = new Set<string>();
  for (const item of items) {
    for (const token of String(item).split(/[;\s]+/)) {
      const match = /^D:?(\d+):0*(\d+)$/.exec(token.trim());
      if (match) ids.add(`D${Number(match[1])}:${Number(match[2])}`);
    }
  }
  return [...ids];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** `"1:56 pm on 8 May, 2023"` → `2023-05-08T13:56:00.000Z` (the data has no time zone; UTC is assumed). */
export function parseSessionDate(text: string): string {
  const match = /^(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) ([A-Za-z]+),? (\d{4})$/i.exec(text.trim());
  if (!match) throw new Error(`unrecognised session date: ${text}`);
  const [, hour, minute, meridiem, day, monthName, year] = match as unknown as [string, string, string, string, string, string, string];
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month < 0) throw new Error(`unrecognised month in session date: ${text}`);
  const hours = (Number(hour) % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(year), month, Number(day), hours, Number(minute))).toISOString();
}
