import type { ReportSections } from './report-sections.js';
import type { ReportTable } from './tables.js';

function markdownTable(table: ReportTable): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `### ${table.title}`,
    '',
    line(table.headers),
    line(table.numeric.map((numeric) => (numeric ? '---:' : '---'))),
    ...table.rows.map(line),
    ...(table.note ? ['', table.note] : []),
  ].join('\n');
}

export function renderMarkdown(sections: ReportSections): string {
  return [
    `## ${sections.title}`,
    '',
    ...sections.context.map((line) => `- ${line}`),
    '',
    '### Targets (goals, reported, not asserted)',
    '',
    ...sections.targets.map((line) => `- ${line}`),
    '',
    ...sections.tables.flatMap((table) => [markdownTable(table), '']),
  ].join('\n');
}
