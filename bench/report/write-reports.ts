import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { reportSections } from './report-sections.js';
import type { BenchResults } from './results.js';

/** results.json, results.md and report.html in `dir`; the Markdown also goes to stdout. */
export async function writeReports(results: BenchResults, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const sections = reportSections(results);
  const markdown = renderMarkdown(sections);
  const files = {
    'results.json': `${JSON.stringify(results, null, 2)}\n`,
    'results.md': markdown,
    'report.html': renderHtml(sections, results),
  };
  for (const [name, contents] of Object.entries(files)) await writeFile(join(dir, name), contents);
  process.stdout.write(markdown);
  return Object.keys(files).map((name) => join(dir, name));
}
