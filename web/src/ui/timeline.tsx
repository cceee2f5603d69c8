// The episode timeline as a picture: one lane per kind on a time axis, a dot per episode, and
// interventions drawn by how they ended, in shape, glyph and colour, so an operator sees at a
// glance which of the agent's actions worked. The list under it carries the same facts as text.
import type { Episode } from '@memos/client';

export type Outcome = NonNullable<Episode['outcome']>;

/** How an intervention ended, in words, with the tone its badge and dot take. */
export const OUTCOMES: Record<Outcome, { label: string; tone: 'good' | 'bad' | 'warn' | 'neutral'; glyph: string }> = {
  task_completed: { label: 'completed', tone: 'good', glyph: '✓' },
  task_failed: { label: 'failed', tone: 'bad', glyph: '✗' },
  abandoned: { label: 'abandoned', tone: 'warn', glyph: '!' },
  unknown: { label: 'unknown', tone: 'neutral', glyph: '?' },
};

/** The lanes, top to bottom; kinds memOS does not name share the last one. */
const LANES = ['intervention', 'message', 'observation', 'other'] as const;
type Lane = (typeof LANES)[number];
const laneOf = (kind: string): Lane => (LANES.includes(kind as Lane) ? (kind as Lane) : 'other');

const WIDTH = 960;
const LEFT = 96;
const RIGHT = 16;
const TOP = 12;
const LANE_HEIGHT = 30;
const AXIS_HEIGHT = 30;
const HEIGHT = TOP + LANES.length * LANE_HEIGHT + AXIS_HEIGHT;

export interface TimeWindow {
  from: number;
  to: number;
}

/** The window to draw: the one asked for, else the listed episodes' span with a margin (a day when they are few). */
export function windowOf(episodes: Episode[], asked: Partial<TimeWindow>, now = Date.now()): TimeWindow {
  const times = episodes.map((episode) => Date.parse(episode.occurredAt));
  const first = times.length === 0 ? now - 7 * 86_400_000 : Math.min(...times);
  const last = times.length === 0 ? now : Math.max(...times);
  const margin = Math.max((last - first) * 0.05, 3_600_000);
  const from = asked.from ?? first - margin;
  const to = asked.to ?? (asked.from === undefined ? last + margin : Math.max(now, last + margin));
  return to > from ? { from, to } : { from, to: from + 3_600_000 };
}

/** Axis ticks at a step that fits the span: hours within two days, days within two months, else weeks. */
function ticks(window: TimeWindow): { at: number; label: string }[] {
  const span = window.to - window.from;
  const hour = 3_600_000;
  const day = 24 * hour;
  const steps = [hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day, 30 * day, 90 * day, 365 * day];
  const step = steps.find((candidate) => span / candidate <= 8) ?? steps[steps.length - 1]!;
  const out: { at: number; label: string }[] = [];
  for (let at = Math.ceil(window.from / step) * step; at <= window.to && out.length < 12; at += step) {
    const date = new Date(at);
    const label = step < day ? date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    out.push({ at, label });
  }
  return out;
}

/** One sentence that says what the chart shows: its text alternative. */
export function describeTimeline(episodes: Episode[], window: TimeWindow): string {
  if (episodes.length === 0) return `Episode timeline from ${new Date(window.from).toUTCString()} to ${new Date(window.to).toUTCString()}: no episodes.`;
  const byKind = new Map<string, number>();
  for (const episode of episodes) byKind.set(episode.kind, (byKind.get(episode.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, count]) => `${count} ${kind}`).join(', ');
  const outcomes = Object.entries(OUTCOMES)
    .map(([outcome, { label }]) => ({ label, count: episodes.filter((episode) => episode.kind === 'intervention' && episode.outcome === outcome).length }))
    .filter(({ count }) => count > 0)
    .map(({ label, count }) => `${count} ${label}`);
  const interventions = outcomes.length === 0 ? '' : `; intervention outcomes: ${outcomes.join(', ')}`;
  return `Episode timeline of ${episodes.length} episodes from ${new Date(window.from).toUTCString()} to ${new Date(window.to).toUTCString()}: ${kinds}${interventions}.`;
}

function Mark(props: { episode: Episode; x: number; y: number }) {
  const { episode, x, y } = props;
  const lane = laneOf(episode.kind);
  if (lane === 'intervention') {
    const outcome = OUTCOMES[episode.outcome ?? 'unknown'];
    return (
      <>
        <path d={`M${x} ${y - 8} L${x + 8} ${y} L${x} ${y + 8} L${x - 8} ${y} Z`} class={`tl-outcome tl-${outcome.tone}`} />
        <text x={x} y={y + 4} class="tl-glyph" text-anchor="middle">
          {outcome.glyph}
        </text>
      </>
    );
  }
  if (lane === 'message') return <circle cx={x} cy={y} r={6} class="tl-kind tl-message" />;
  if (lane === 'observation') return <rect x={x - 5.5} y={y - 5.5} width={11} height={11} class="tl-kind tl-observation" />;
  return <path d={`M${x} ${y - 7} L${x + 7} ${y + 6} L${x - 7} ${y + 6} Z`} class="tl-kind tl-other" />;
}

/**
 * The chart. A dot opens its episode on a click (`onOpen`); keyboard and screen-reader users
 * reach the same episodes through the list that goes with the chart, so the picture stays an image.
 */
export function Timeline(props: { episodes: Episode[]; window: TimeWindow; onOpen(episode: Episode): void }) {
  const { episodes, window } = props;
  const x = (at: number) => LEFT + ((at - window.from) / (window.to - window.from)) * (WIDTH - LEFT - RIGHT);
  const laneY = (lane: Lane) => TOP + LANES.indexOf(lane) * LANE_HEIGHT + LANE_HEIGHT / 2;
  const axisY = TOP + LANES.length * LANE_HEIGHT;
  const inside = episodes.filter((episode) => {
    const at = Date.parse(episode.occurredAt);
    return at >= window.from && at <= window.to;
  });
  return (
    <figure class="tl">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={describeTimeline(inside, window)} preserveAspectRatio="xMidYMid meet">
        {LANES.map((lane) => (
          <g key={lane}>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={laneY(lane)} y2={laneY(lane)} class="tl-lane" />
            <text x={LEFT - 10} y={laneY(lane) + 4} text-anchor="end" class="tl-label">
              {lane === 'other' ? 'other kinds' : `${lane}s`}
            </text>
          </g>
        ))}
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={axisY} y2={axisY} class="tl-axis" />
        {ticks(window).map((tick) => (
          <g key={tick.at}>
            <line x1={x(tick.at)} x2={x(tick.at)} y1={TOP} y2={axisY + 4} class="tl-tick" />
            <text x={x(tick.at)} y={axisY + 18} text-anchor="middle" class="tl-label">
              {tick.label}
            </text>
          </g>
        ))}
        {inside.map((episode) => (
          <g key={episode.id} class="tl-dot" data-episode={episode.id} onClick={() => props.onOpen(episode)}>
            <title>{`${new Date(episode.occurredAt).toLocaleString()} · ${episode.kind}${episode.outcome === undefined ? '' : ` · ${OUTCOMES[episode.outcome].label}`}: ${episode.content.slice(0, 120)}`}</title>
            <Mark episode={episode} x={x(Date.parse(episode.occurredAt))} y={laneY(laneOf(episode.kind))} />
          </g>
        ))}
      </svg>
      <figcaption class="tl-legend">
        <span>
          <svg viewBox="-8 -8 16 16" aria-hidden="true">
            <circle r={6} class="tl-kind tl-message" />
          </svg>
          message
        </span>
        <span>
          <svg viewBox="-8 -8 16 16" aria-hidden="true">
            <rect x={-5.5} y={-5.5} width={11} height={11} class="tl-kind tl-observation" />
          </svg>
          observation
        </span>
        <span>
          <svg viewBox="-8 -8 16 16" aria-hidden="true">
            <path d="M0 -7 L7 6 L-7 6 Z" class="tl-kind tl-other" />
          </svg>
          other kind
        </span>
        {Object.values(OUTCOMES).map((outcome) => (
          <span key={outcome.label}>
            <svg viewBox="-9 -9 18 18" aria-hidden="true">
              <path d="M0 -8 L8 0 L0 8 L-8 0 Z" class={`tl-outcome tl-${outcome.tone}`} />
              <text y={4} text-anchor="middle" class="tl-glyph">
                {outcome.glyph}
              </text>
            </svg>
            intervention {outcome.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
