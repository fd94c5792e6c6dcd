/** The error-budget report as markdown (for humans and job summaries) and JSON (for pipelines). Pure. */
import type { SloReport, SloReportRow } from './report.ts';

export function renderJson(report: SloReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderMarkdown(report: SloReport): string {
  const status =
    report.dataProblems.length > 0
      ? `**NO TRUSTWORTHY DATA** (exit code 2): ${report.dataProblems.join('; ')}`
      : report.budgetExhausted
        ? '**BUDGET OVERSPENT: release freeze** (exit code 3)'
        : '**OK**: every SLO has budget left';
  const windows = report.slos[0]?.burnRates.map((burn) => burn.window) ?? [];
  const lines = [
    `# SLO report: ${report.service}`,
    '',
    `Rolling ${report.window} window ${report.windowStart} to ${report.windowEnd}. ${status}.`,
    '',
    `| SLO | Target | Attainment | Budget remaining | Bad / total | ${report.window} percentile |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...report.slos.map(
      (row) =>
        `| ${row.name} | ${targetText(row)} | ${percent(row.attainment, 3)} | ${budgetText(row)} | ` +
        `${count(row.bad)} / ${count(row.total)} ${row.unit} | ${percentileText(row)} |`,
    ),
    '',
    '## Burn rates (1 = spending the budget exactly over the window)',
    '',
    `| SLO | ${windows.join(' | ')} | Alerts firing |`,
    `| --- | ${windows.map(() => '---').join(' | ')} | --- |`,
    ...report.slos.map(
      (row) =>
        `| ${row.name} | ${row.burnRates.map((burn) => rate(burn.burnRate)).join(' | ')} | ` +
        `${row.firingAlerts.length > 0 ? row.firingAlerts.join(', ') : 'none'} |`,
    ),
    '',
    ...(report.leftOutAlerts.length > 0
      ? [
          'Alerts that can never fire, so none exists:',
          '',
          ...report.leftOutAlerts.map((note) => `- ${note}`),
          '',
        ]
      : []),
  ];
  return lines.join('\n');
}

function targetText(row: SloReportRow): string {
  const target = percent(row.target, 3);
  return row.budgetingMethod === 'Timeslices' ? `${target} of slices` : target;
}

function percentileText(row: SloReportRow): string {
  const figure = row.windowPercentile;
  if (figure === null) return '-';
  return `p${figure.percentile} ${figure.ms === null ? 'no data' : `${Number(figure.ms.toFixed(1))} ms`}`;
}

function budgetText(row: SloReportRow): string {
  if (row.budgetRemaining === null) return 'no data';
  return row.budgetExhausted
    ? `${percent(row.budgetRemaining, 1)} (overspent)`
    : percent(row.budgetRemaining, 1);
}

function percent(value: number | null, digits: number): string {
  if (value === null) return 'no data';
  return `${Number((value * 100).toFixed(digits))}%`;
}

function rate(value: number | null): string {
  return value === null ? 'no data' : value.toFixed(2);
}

function count(value: number): string {
  return Number(value.toFixed(2)).toLocaleString('en-US');
}
