import { CLUSTER_DRILLS } from '../test/support/drills/cluster-drills.js';
import type { Drill } from '../test/support/drills/drill.js';
import { type DrillSummary, summarize } from '../test/support/drills/drill-summary.js';
import { DYNAMODB_DRILLS } from '../test/support/drills/dynamodb-drills.js';
import { REDIS_DRILLS } from '../test/support/drills/redis-drills.js';
import { runDrill } from '../test/support/drills/run-drill.js';

/**
 * `npm run drill`: the fault drills of test/drills under heavier load, with their numbers. Each drill
 * starts its own stack (redis-server or cluster, dynalite behind the fault proxy, the HTTP API in this
 * process), injects its fault under DRILL_CONCURRENCY concurrent readers (default 16), holds it
 * DRILL_HOLD_MS (default 2000), clears it and waits for every id to answer HIT again. DRILL_ONLY picks
 * drills whose name contains it. Exits 1 when a drill broke a promise.
 */
const CONCURRENCY = Number(process.env.DRILL_CONCURRENCY ?? 16);
const HOLD_MS = Number(process.env.DRILL_HOLD_MS ?? 2_000);
const ONLY = process.env.DRILL_ONLY?.toLowerCase();
/** Broken promises printed per drill; the count is in the table. */
const PROBLEMS_SHOWN = 5;

// The stack's SDK reads credentials from the environment (dynalite checks none); metrics and the
// SDK's Node-version notice would flood stdout.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const drills: Drill[] = [...REDIS_DRILLS, ...CLUSTER_DRILLS, ...DYNAMODB_DRILLS].filter(
  (drill) => !ONLY || drill.name.toLowerCase().includes(ONLY),
);

const summaries: DrillSummary[] = [];
for (const drill of drills) {
  process.stderr.write(`${drill.name}: ${CONCURRENCY} readers, fault held ${HOLD_MS} ms…\n`);
  const summary = summarize(await runDrill(drill, { concurrency: CONCURRENCY, holdMs: HOLD_MS }));
  summaries.push(summary);
  process.stderr.write(`  during the fault: ${JSON.stringify(summary.outcomesDuringFault)}\n`);
  process.stderr.write(`  server counts during the fault: ${JSON.stringify(summary.countsDuringFault)}\n`);
  for (const problem of summary.problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`  ✗ ${problem}\n`);
  if (summary.problems.length > PROBLEMS_SHOWN)
    process.stderr.write(`  … ${summary.problems.length - PROBLEMS_SHOWN} more\n`);
}

const ms = (value: number | undefined) => (value === undefined ? 'not recovered' : String(Math.round(value)));
const rows = summaries.map((s) => [
  s.name,
  String(s.requests),
  String(s.unexpected),
  String(s.serviceUnavailable),
  String(s.problems.length),
  ms(s.p99DuringFaultMs),
  `${ms(s.maxMs)} / ${s.readBoundMs}`,
  ms(s.faultMs),
  ms(s.recoverMs),
]);
const header = [
  'drill',
  'requests',
  'errors (5xx, unexpected)',
  '503',
  'broken promises',
  'p99 during fault (ms)',
  'max / bound (ms)',
  'fault (ms)',
  'time to recover (ms)',
];
process.stdout.write(
  `\n${CONCURRENCY} concurrent readers, fault held ${HOLD_MS} ms\n\n${markdownTable(header, rows)}\n`,
);
process.exitCode = summaries.some((s) => s.problems.length > 0) ? 1 : 0;

function markdownTable(head: string[], body: string[][]): string {
  const widths = head.map((cell, column) =>
    Math.max(cell.length, ...body.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}
