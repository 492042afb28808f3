import { escapeHtml } from './escape-html.js';
import type { ReportSections } from './report-sections.js';
import type { BenchResults } from './results.js';
import { STEADY_STATE_TITLE } from './steady-state-table.js';
import { barChart, cdfChart } from './svg-charts.js';
import { type ReportTable, savedRatio } from './tables.js';

const percent = (ratio: number) => `${(100 * ratio).toFixed(1)} %`;

/** The Markdown's inline code, as HTML. */
const inline = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function htmlTable(table: ReportTable): string {
  const cell = (tag: string, text: string, column: number) =>
    `<${tag}${table.numeric[column] ? ' class="n"' : ''}>${escapeHtml(text)}</${tag}>`;
  return [
    `<h3>${escapeHtml(table.title)}</h3>`,
    '<table>',
    `<thead><tr>${table.headers.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${table.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
    table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '',
  ].join('\n');
}

function charts(results: BenchResults): string[] {
  const local = results.lambda.local;
  const figure = (caption: string, chart: string) =>
    `<figure>${chart}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  const cached = local.filter((r) => r.system !== 'no-cache');
  const list = [
    figure(
      `Latency CDF per system: every read of the Zipf steady state, ${results.plan.workers} Lambda-like workers, local (no added distance).`,
      cdfChart(
        'latency-cdf',
        'Read latency CDF',
        local.map((r) => ({ label: r.short, points: r.zipf.cdf })),
      ),
    ),
    figure(
      `DynamoDB read units saved against no cache, Zipf ${STEADY_STATE_TITLE}: each system's TTL scaled so one TTL holds about ${results.plan.steadyState.readsPerTtl.toLocaleString('en-US')} reads (bar text: the ideal TTL cache at the reads per TTL measured).`,
      barChart(
        'read-units-saved',
        'Read units saved',
        results.steadyState.map((r) => ({
          label: r.short,
          value: 100 * r.savedRatio,
          text: `${percent(r.savedRatio)} (ideal ${percent(r.idealSavedRatio)}, TTL ${r.ttlSeconds} s)`,
        })),
        {
          axis: '% of no-cache read units saved',
          target: { value: 95, label: 'target 95 %' },
          textWidth: 200,
        },
      ),
    ),
    figure(
      `The same at low reads per TTL: the Lambda-like Zipf phase, TTL scaled to ${results.plan.ttlSeconds} s.`,
      barChart(
        'read-units-saved-low',
        'Read units saved, low reads per TTL',
        cached.map((r) => {
          const saved = savedRatio(local, r, 'zipf') ?? 0;
          return { label: r.short, value: 100 * saved, text: percent(saved) };
        }),
        { axis: '% of no-cache read units saved', target: { value: 95, label: 'target 95 %' } },
      ),
    ),
    figure(
      `DynamoDB reads of one cold key when ${results.plan.workers} workers ask for it at once (${results.plan.stampedeRequestsPerWorker} requests each).`,
      barChart(
        'stampede-reads',
        'Stampede reads',
        local.map((r) => ({
          label: r.short,
          value: r.stampede.getItems,
          text: `${r.stampede.getItems} of ${r.stampede.requests}`,
        })),
        { axis: 'GetItem requests for the stampede key', target: { value: 2, label: 'target ≤ 2' } },
      ),
    ),
  ];
  if (results.http.length > 0) {
    list.push(
      figure(
        'Cache-hit throughput through one HTTP server process, 32 connections.',
        barChart(
          'http-throughput',
          'HTTP hit throughput',
          results.http.map((r) => ({
            label: r.short,
            value: r.concurrent.requestsPerSecond,
            text: `${Math.round(r.concurrent.requestsPerSecond)} req/s`,
          })),
          { axis: 'requests per second' },
        ),
      ),
    );
  }
  return list;
}

/** One self-contained page: styles and charts inline, no script, nothing fetched. */
export function renderHtml(sections: ReportSections, results: BenchResults): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(sections.title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #111827; padding: 0 16px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #d1d5db; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #4b5563; font-size: 12px; max-width: 1100px; }
figure { margin: 16px 0; }
figcaption { color: #4b5563; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(720px, 1fr)); gap: 8px; }
</style>
</head>
<body>
<h1>${escapeHtml(sections.title)}</h1>
<ul>${sections.context.map((line) => `<li>${inline(line)}</li>`).join('')}</ul>
<h2>Targets (goals, reported, not asserted)</h2>
<ul>${sections.targets.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
<h2>Charts</h2>
<div class="charts">${charts(results).join('\n')}</div>
<h2>Tables</h2>
${sections.tables.map(htmlTable).join('\n')}
</body>
</html>
`;
}
