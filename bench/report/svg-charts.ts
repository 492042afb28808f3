import { escapeHtml } from './escape-html.js';

/** Small inline SVG charts, so the HTML report needs no script or network to render. */

const PALETTE = ['#6b7280', '#d97706', '#2563eb', '#db2777', '#059669', '#7c3aed'];
/** One colour per system in every chart (by its short label); others take the palette in order. */
const SYSTEM_COLORS: Record<string, string> = {
  'no cache': '#6b7280',
  original: '#d97706',
  bentocache: '#2563eb',
  'cache-manager': '#db2777',
  Aside: '#059669',
  floor: '#7c3aed',
};
const colorOf = (label: string, index: number) => SYSTEM_COLORS[label] ?? PALETTE[index % PALETTE.length];
const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { top: 20, right: 20, bottom: 50, left: 60 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export interface CdfSeries {
  readonly label: string;
  /** [percentile, milliseconds] */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

function svg(name: string, title: string, body: string, height = HEIGHT): string {
  return `<svg data-chart="${name}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">${body}</svg>`;
}

/** Latency (log scale) against percentile, one line per system. */
export function cdfChart(name: string, title: string, series: readonly CdfSeries[]): string {
  const values = series.flatMap((s) => s.points.map(([, ms]) => ms)).filter((ms) => ms > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 1)));
  const x = (ms: number) =>
    MARGIN.left + (PLOT_W * Math.log10(Math.max(ms, low) / low)) / Math.log10(high / low);
  const y = (percentile: number) => MARGIN.top + PLOT_H * (1 - percentile / 100);
  let body = '';
  for (let decade = low; decade <= high; decade *= 10) {
    body += `<line x1="${x(decade)}" x2="${x(decade)}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" stroke="#e5e7eb"/>`;
    body += `<text x="${x(decade)}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${decade >= 1 ? decade : decade.toPrecision(1)}</text>`;
  }
  for (const percentile of [0, 25, 50, 75, 90, 99]) {
    body += `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${y(percentile)}" y2="${y(percentile)}" stroke="#e5e7eb"/>`;
    body += `<text x="${MARGIN.left - 6}" y="${y(percentile) + 4}" text-anchor="end">${percentile}</text>`;
  }
  body += `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 10}" text-anchor="middle">latency, ms (log scale)</text>`;
  body += `<text transform="translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">percentile of reads</text>`;
  series.forEach((s, index) => {
    const color = colorOf(s.label, index);
    const path = s.points
      .map(([p, ms], i) => `${i ? 'L' : 'M'}${x(ms).toFixed(1)},${y(p).toFixed(1)}`)
      .join('');
    body += `<path data-series="${escapeHtml(s.label)}" d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`;
    body += `<rect x="${MARGIN.left + 10}" y="${MARGIN.top + 8 + index * 16}" width="12" height="3" fill="${color}"/>`;
    body += `<text x="${MARGIN.left + 28}" y="${MARGIN.top + 13 + index * 16}">${escapeHtml(s.label)}</text>`;
  });
  return svg(name, title, body);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

/** Horizontal bars, one per system, with an optional target line. */
export function barChart(
  name: string,
  title: string,
  bars: readonly Bar[],
  options: {
    readonly axis: string;
    readonly target?: { readonly value: number; readonly label: string };
    /** Room right of the longest bar for its text. */
    readonly textWidth?: number;
  },
): string {
  const max = Math.max(...bars.map((b) => b.value), options.target?.value ?? 0, 1e-9) * 1.1;
  const left = 120;
  const plotW = WIDTH - left - (options.textWidth ?? 80);
  const rowH = 32;
  const x = (value: number) => left + (plotW * Math.max(value, 0)) / max;
  let body = '';
  bars.forEach((bar, index) => {
    const top = MARGIN.top + index * rowH;
    body += `<text x="${left - 8}" y="${top + rowH / 2 + 4}" text-anchor="end">${escapeHtml(bar.label)}</text>`;
    body += `<rect data-bar="${escapeHtml(bar.label)}" x="${left}" y="${top + 4}" width="${Math.max(x(bar.value) - left, 1).toFixed(1)}" height="${rowH - 8}" fill="${colorOf(bar.label, index)}"/>`;
    body += `<text x="${x(bar.value) + 6}" y="${top + rowH / 2 + 4}">${escapeHtml(bar.text)}</text>`;
  });
  const bottom = MARGIN.top + bars.length * rowH;
  if (options.target) {
    const tx = x(options.target.value);
    body += `<line x1="${tx}" x2="${tx}" y1="${MARGIN.top}" y2="${bottom}" stroke="#dc2626" stroke-dasharray="4 3"/>`;
    body += `<text x="${tx}" y="${bottom + 14}" text-anchor="middle" fill="#dc2626">${escapeHtml(options.target.label)}</text>`;
  }
  body += `<text x="${left + plotW / 2}" y="${bottom + 32}" text-anchor="middle">${escapeHtml(options.axis)}</text>`;
  return svg(name, title, body, bottom + 44);
}
