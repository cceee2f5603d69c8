// Why recall found a record: each score part memOS reports (keyword BM25, vector cosine, recency,
// neighbours, and the time and speaker factors) as a bar with its raw value beside it. Parts are raw
// and on different scales, so each bar is scaled on its own: keyword, neighbours and the two factors
// against the largest in the same answer, the cosine and recency as they are (0..1). A part that took
// no part (null) says so instead of drawing a bar.
import type { SearchHit } from '@memos/client';

export type ScoreParts = SearchHit['parts'];
export type PartName = keyof ScoreParts;

export const PART_NAMES: PartName[] = ['keyword', 'vector', 'recency', 'neighbours', 'time', 'speaker'];
/** Parts drawn as a share of the largest in the answer, having no fixed range. */
const RELATIVE = ['keyword', 'neighbours', 'time', 'speaker'] as const;
type Relative = (typeof RELATIVE)[number];
export type PartScale = Record<Relative, number>;

const ABOUT: Record<PartName, string> = {
  keyword: 'BM25 score of the keyword match (bar: share of the largest in this answer)',
  vector: 'cosine similarity to the query, −1 to 1 (bar: 0 to 1; negatives draw nothing)',
  recency: '1 for a record of this instant, halving every recency half-life',
  neighbours: 'what adjacent episodes of the session added (bar: share of the largest in this answer)',
  time: 'what the time priors multiplied the score by, above 1 near a time the query names (bar: share of the largest in this answer)',
  speaker: 'what the speaker priors multiplied the score by, below 1 for what others said than the person the query asks about, and for a question (bar: share of the largest in this answer)',
};

/** The largest of each relative part among `parts`: the scale of their bars. */
export function partScale(parts: ScoreParts[]): PartScale {
  const largest = (name: Relative) => Math.max(0, ...parts.map((part) => part[name] ?? 0));
  return Object.fromEntries(RELATIVE.map((name) => [name, largest(name)])) as PartScale;
}

/** The share of its bar (0..1) a part's raw value fills. */
export function barShare(name: PartName, value: number, scale: PartScale): number {
  const relative = (RELATIVE as readonly string[]).includes(name) ? (name as Relative) : undefined;
  const share = relative === undefined ? value : scale[relative] > 0 ? value / scale[relative] : 0;
  return Math.min(1, Math.max(0, share));
}

function shown(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);
}

export function ScoreBars(props: { parts: ScoreParts; scale: PartScale }) {
  return (
    <dl class="score-bars">
      {PART_NAMES.map((name) => {
        const value = props.parts[name];
        return (
          <div class={`score-part part-${name}`} key={name} data-part={name} title={ABOUT[name]}>
            <dt>{name}</dt>
            <dd>
              {value === null ? (
                <span class="muted score-none">no part</span>
              ) : (
                <>
                  <span class="score-track" aria-hidden="true">
                    <span class="score-fill" style={{ width: `${(barShare(name, value, props.scale) * 100).toFixed(1)}%` }} />
                  </span>
                  <span class="score-value">{shown(value)}</span>
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
