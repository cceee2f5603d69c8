// Shared by the inspect adapters: the rows of one tier's GROUP BY (kind, embedding status, model,
// dimensions) folded into the port's census, whatever engine counted them.
import type { TierCensus, TierGroup } from '../core/ports.js';

/** One group as an engine returns it: times as Date, ISO text or epoch ms, counts as number or bigint text. */
export interface CensusRow {
  kind: string;
  status: string;
  model: string | null;
  dims: number | string | null;
  n: number | string;
  oldest: Date | number | string | null;
  newest: Date | number | string | null;
}

const STATUSES = new Set<TierGroup['status']>(['none', 'pending', 'ready', 'failed']);

const iso = (time: Date | number | string): string => new Date(time).toISOString();

export function tierCensus(rows: CensusRow[]): TierCensus {
  const groups = rows.map((row): TierGroup => {
    const status = STATUSES.has(row.status as TierGroup['status']) ? (row.status as TierGroup['status']) : 'pending';
    return {
      kind: row.kind,
      status,
      ...(row.model === null ? {} : { model: row.model }),
      ...(row.dims === null ? {} : { dimensions: Number(row.dims) }),
      count: Number(row.n),
    };
  });
  const times = (pick: (row: CensusRow) => CensusRow['oldest']) =>
    rows
      .map(pick)
      .filter((time): time is Date | number | string => time !== null)
      .map(iso)
      .sort();
  const oldest = times((row) => row.oldest)[0];
  const newest = times((row) => row.newest).at(-1);
  return { groups, ...(oldest === undefined ? {} : { oldest }), ...(newest === undefined ? {} : { newest }) };
}
