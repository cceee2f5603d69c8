// What the background LLM judge does with each verdict, as plain data: which store call, on which
// memories, with which recorded reason. No I/O, so that the rules are tested on their own.

import type { SupersessionReason } from '../../core/validity.js';
import type { Verdict } from './llm-judge.js';

/** The longest model reason kept on a memory (a supersession reason or a conflict mark). */
export const STORED_REASON_CHARS = 200;

/** Text a model wrote, made safe to store: control characters (line breaks, escapes, bidi overrides) removed, spaces collapsed, at most `max` characters. */
export function plainText(text: string, max: number): string {
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ').replace(/\s+/g, ' ').trim();
  return [...plain].slice(0, max).join('').trim();
}

/**
 * A model's reason as stored on a memory: plain text of at most STORED_REASON_CHARS characters;
 * `unspecified` when nothing is left. It is the model's text, so it is never logged.
 */
export function cleanReason(reason: string): string {
  return plainText(reason, STORED_REASON_CHARS) || 'unspecified';
}

/** One change a verdict asks for. */
export type JudgeAction =
  /** `by` supersedes `ids` (store.supersede): `supersedes` keeps the new memory, `duplicate` keeps the older one. */
  | { kind: 'supersede'; relation: 'supersedes' | 'duplicate'; by: string; ids: [string]; reason: SupersessionReason }
  /** A conflict mark on the new memory naming the candidate (store.noteConflicts). */
  | { kind: 'conflict'; relation: 'contradicts'; on: string; other: string; reason: string };

/** The change a verdict about `candidateId` asks of the new memory `incomingId`; undefined for `unrelated`. */
export function actionOf(incomingId: string, verdict: Verdict): JudgeAction | undefined {
  const why = cleanReason(verdict.reason);
  switch (verdict.relation) {
    case 'supersedes':
      return { kind: 'supersede', relation: 'supersedes', by: incomingId, ids: [verdict.candidateId], reason: `judge: ${why}` };
    case 'duplicate':
      // The older memory stays: it has the history, the confirmations and whatever refers to it.
      return { kind: 'supersede', relation: 'duplicate', by: verdict.candidateId, ids: [incomingId], reason: `judge: duplicate: ${why}` };
    case 'contradicts':
      return { kind: 'conflict', relation: 'contradicts', on: incomingId, other: verdict.candidateId, reason: `judge: ${why}` };
    case 'unrelated':
      return undefined;
  }
}
