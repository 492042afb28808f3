import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BenchResults } from './report/results.js';
import { writeReports } from './report/write-reports.js';

/**
 * `npx tsx bench/render-report.ts [bench/results/results.json]`: writes the Markdown and HTML again
 * from a run's JSON, beside it, so a change to the report needs no new run.
 */
const file = process.argv[2] ?? 'bench/results/results.json';
const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
await writeReports(results, dirname(file));
