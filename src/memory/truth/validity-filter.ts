import { toIso } from '../../core/clock.js';
import { validationError } from '../../core/errors.js';
import type { RecordFilter } from '../../core/types.js';

/**
 * Which memories a read wants by validity (docs/truth.md "Validity windows"): by default the
 * current ones; `asOf` those that held at that time; `includeSuperseded` every one, superseded and
 * retracted included (a slot's timeline). The same for listings, search, context and MCP.
 */
export interface ValidityAsk {
  asOf?: string;
  includeSuperseded?: boolean;
}

/** The store filter for a validity ask at `nowMs`; E_VALIDATION when both are given (they contradict). */
export function validityFilter(ask: ValidityAsk | undefined, nowMs: number): Pick<RecordFilter, 'validAt'> {
  if (ask?.includeSuperseded === true) {
    if (ask.asOf !== undefined) throw validationError([{ field: 'asOf', message: 'cannot be combined with includeSuperseded: asOf answers what held then, includeSuperseded every version' }]);
    return {};
  }
  return { validAt: ask?.asOf === undefined ? toIso(nowMs) : toIso(Date.parse(ask.asOf)) };
}
