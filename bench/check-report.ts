import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * `npm run bench:check-report [report.html] [screenshot.png]`: opens the benchmark's HTML report in
 * headless Chromium (Debian's, `apt-get install chromium`), asserts every chart rendered with content,
 * and saves a full-page screenshot to look at.
 */
const CHARTS = ['latency-cdf', 'read-units-saved', 'read-units-saved-low', 'stampede-reads'];
const report = resolve(process.argv[2] ?? 'bench/results/report.html');
const screenshot = resolve(process.argv[3] ?? report.replace(/\.html$/, '.png'));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(report)) throw new Error(`${report} does not exist: run npm run bench first`);
if (!existsSync(executablePath))
  throw new Error(`no Chromium at ${executablePath}: apt-get install chromium`);

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  for (const chart of CHARTS) {
    const svg = page.locator(`svg[data-chart="${chart}"]`);
    if ((await svg.count()) !== 1) {
      problems.push(`chart ${chart} is missing`);
      continue;
    }
    const box = await svg.boundingBox();
    if (!box || box.width < 200 || box.height < 100) problems.push(`chart ${chart} has no size on the page`);
    const marks = await svg.locator('path[data-series], rect[data-bar]').evaluateAll(
      (elements) =>
        elements.filter((element) => {
          const size = (element as SVGGraphicsElement).getBBox();
          return size.width > 0 || size.height > 0;
        }).length,
    );
    if (marks === 0) problems.push(`chart ${chart} drew no series or bars`);
    else process.stdout.write(`chart ${chart}: ${marks} series or bars drawn\n`);
  }
  const tables = await page.locator('table').count();
  if (tables === 0) problems.push('the report has no tables');
  await page.screenshot({ path: screenshot, fullPage: true });
  process.stdout.write(`${tables} tables; screenshot: ${screenshot}\n`);
  if (problems.length > 0) throw new Error(`the report did not render as expected:\n${problems.join('\n')}`);
  process.stdout.write('report OK\n');
} finally {
  await browser.close();
}
