// Small SVG charts, drawn here rather than with a chart library: no dependency, nothing fetched,
// and colours from the theme's variables so they follow light and dark. Each chart is one
// `role="img"` with an aria-label that states its numbers; the drawing is for the eye only.
import './charts.css';

export interface Series {
  name: string;
  values: number[];
  /** 1 to 4: `--series-N` of the theme. */
  colour: 1 | 2 | 3 | 4;
  /** Fill under the line. */
  area?: boolean;
}

const W = 640;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 26 };

/** A round number at least `max`, for the top of an axis (1, 2, 2.5, 5 × 10^n). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= max)!;
  return step * power;
}

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0));

/**
 * Lines (optionally filled) over evenly spaced points, with a y axis in `unit` and x labels under
 * the first, middle and last points.
 */
export function LineChart(props: { label: string; series: Series[]; xLabels: [string, string, string]; unit?: string }) {
  const count = Math.max(0, ...props.series.map((series) => series.values.length));
  const top = niceMax(Math.max(0, ...props.series.flatMap((series) => series.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (count <= 1 ? plotW : (index / (count - 1)) * plotW);
  const y = (value: number) => PAD.top + plotH - (value / top) * plotH;
  const unit = props.unit === undefined ? '' : ` ${props.unit}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label} class="chart-svg">
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction}>
            <line class="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={y(top * fraction)} y2={y(top * fraction)} />
            <text class="chart-axis" x={PAD.left - 6} y={y(top * fraction) + 4} text-anchor="end">
              {format(top * fraction)}
              {fraction === 1 ? unit : ''}
            </text>
          </g>
        ))}
        {props.series.map((series) => {
          const points = series.values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`);
          if (points.length === 0) return null;
          return (
            <g key={series.name} class={`chart-series s${series.colour}`}>
              {series.area === true && <polygon class="chart-area" points={`${x(0)},${y(0)} ${points.join(' ')} ${x(series.values.length - 1)},${y(0)}`} />}
              <polyline class="chart-line" points={points.join(' ')} />
            </g>
          );
        })}
        {props.xLabels.map((text, index) => (
          <text key={index} class="chart-axis" x={index === 0 ? PAD.left : index === 1 ? PAD.left + plotW / 2 : W - PAD.right} y={H - 8} text-anchor={index === 0 ? 'start' : index === 1 ? 'middle' : 'end'}>
            {text}
          </text>
        ))}
      </svg>
      {props.series.length > 1 && <Legend items={props.series.map((series) => ({ name: series.name, colour: series.colour }))} />}
    </figure>
  );
}

/** The names of a chart's colours, as text beside it (hidden from screen readers, which have the label). */
export function Legend(props: { items: { name: string; colour: 1 | 2 | 3 | 4 | 'bad' | 'muted' }[] }) {
  return (
    <figcaption class="chart-legend" aria-hidden="true">
      {props.items.map((item) => (
        <span key={item.name}>
          <i class={`chart-swatch s${item.colour}`} />
          {item.name}
        </span>
      ))}
    </figcaption>
  );
}

export interface Part {
  name: string;
  value: number;
  colour: 1 | 2 | 3 | 4 | 'bad' | 'muted';
}

/** One bar split into parts by their share of the whole (ready / pending / failed). */
export function StackedBar(props: { label: string; parts: Part[] }) {
  const total = props.parts.reduce((sum, part) => sum + part.value, 0);
  let offset = 0;
  return (
    <figure class="chart">
      <svg viewBox="0 0 400 24" role="img" aria-label={props.label} class="chart-svg chart-bar">
        <rect class="chart-track" x="0" y="0" width="400" height="24" rx="6" />
        {total > 0 &&
          props.parts.map((part) => {
            const width = (part.value / total) * 400;
            const rect = <rect key={part.name} class={`chart-fill s${part.colour}`} x={offset} y="0" width={width} height="24" />;
            offset += width;
            return rect;
          })}
      </svg>
      <Legend items={props.parts} />
    </figure>
  );
}

/** Horizontal bars of counts, one per item, scaled to the largest. */
export function Bars(props: { label: string; items: { name: string; value: number }[]; colour?: 1 | 2 | 3 | 4 }) {
  const top = Math.max(1, ...props.items.map((item) => item.value));
  const row = 26;
  const height = Math.max(row, props.items.length * row);
  return (
    <svg viewBox={`0 0 320 ${height}`} role="img" aria-label={props.label} class="chart-svg">
      {props.items.map((item, index) => (
        <g key={item.name} class={`chart-series s${props.colour ?? 1}`}>
          <text class="chart-axis" x="0" y={index * row + 17}>
            {item.name}
          </text>
          <rect class="chart-track" x="100" y={index * row + 5} width="180" height="16" rx="4" />
          <rect class={`chart-fill s${props.colour ?? 1}`} x="100" y={index * row + 5} width={(item.value / top) * 180} height="16" rx="4" />
          <text class="chart-value" x="320" y={index * row + 17} text-anchor="end">
            {item.value}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** A ring filled to `fraction` (0..1), with the percentage in its middle: a hit rate. */
export function Donut(props: { label: string; fraction: number; colour?: 1 | 2 | 3 | 4 }) {
  const radius = 40;
  const circumference = 2 * Math.PI * radius;
  const fraction = Math.min(1, Math.max(0, Number.isFinite(props.fraction) ? props.fraction : 0));
  return (
    <svg viewBox="0 0 100 100" role="img" aria-label={props.label} class="chart-svg chart-donut">
      <circle class="chart-ring" cx="50" cy="50" r={radius} />
      <circle
        class={`chart-ring-fill s${props.colour ?? 2}`}
        cx="50"
        cy="50"
        r={radius}
        stroke-dasharray={`${fraction * circumference} ${circumference}`}
        transform="rotate(-90 50 50)"
      />
      <text class="chart-donut-text" x="50" y="56" text-anchor="middle">
        {Math.round(fraction * 100)}%
      </text>
    </svg>
  );
}
