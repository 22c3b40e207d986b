/**
 * Bar charts as inline SVG, drawn on the server: no script, no style attribute (the CSP forbids
 * both); colours come from classes in the static stylesheet. Each chart is an image with a title
 * and a description for screen readers; the same numbers stand in a table beside it.
 */

export interface Series {
  /** a CSS class of the bars (bar, bar revoked) */
  className: string;
  label: string;
  values: number[];
}

export interface BarChartProps {
  id: string;
  title: string;
  desc: string;
  /** one label per group of bars, shown every `labelEvery` groups */
  labels: string[];
  labelEvery?: number;
  series: Series[];
}

const W = 640;
const H = 240;
const LEFT = 36;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 40;

/** A "nice" upper bound for the axis: 1, 2, 5 × 10^n, at least 1. */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function BarChart(p: BarChartProps) {
  const groups = p.labels.length;
  const max = niceMax(Math.max(0, ...p.series.flatMap((s) => s.values)));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(1, groups);
  const barW = Math.max(1, (slot * 0.8) / p.series.length);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const every = p.labelEvery ?? 1;
  // counts are whole numbers: a half-way line only where it is one
  const ticks = max % 2 === 0 ? [0, max / 2, max] : [0, max];
  return (
    <svg class="bars" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${p.id}-title ${p.id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${p.id}-title`}>{p.title}</title>
      <desc id={`${p.id}-desc`}>{p.desc}</desc>
      {ticks.map((t) => (
        <g>
          <line class="grid" x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} stroke="#d0d4da" stroke-width="1" />
          <text x={LEFT - 4} y={y(t) + 4} text-anchor="end">
            {String(t)}
          </text>
        </g>
      ))}
      {p.labels.map((label, i) => (
        <g>
          {p.series.map((s, j) => {
            const v = s.values[i] ?? 0;
            const x = LEFT + i * slot + slot * 0.1 + j * barW;
            return (
              <rect class={s.className} x={x.toFixed(1)} y={y(v).toFixed(1)} width={barW.toFixed(1)} height={(TOP + plotH - y(v)).toFixed(1)} fill="#1d3f6e">
                <title>{`${label} ${s.label}: ${v}`}</title>
              </rect>
            );
          })}
          {i % every === 0 && (
            <text x={(LEFT + i * slot + slot / 2).toFixed(1)} y={H - BOTTOM + 16} text-anchor="middle">
              {label}
            </text>
          )}
        </g>
      ))}
      <line class="axis" x1={LEFT} x2={W - RIGHT} y1={TOP + plotH} y2={TOP + plotH} stroke="#767676" stroke-width="1" />
      <line class="axis" x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + plotH} stroke="#767676" stroke-width="1" />
      {p.series.length > 1 &&
        p.series.map((s, j) => (
          <g>
            <rect class={s.className} x={LEFT + j * 120} y={H - 14} width="10" height="10" fill="#1d3f6e" />
            <text x={LEFT + j * 120 + 14} y={H - 5}>
              {s.label}
            </text>
          </g>
        ))}
    </svg>
  );
}
