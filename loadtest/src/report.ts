/**
 * Markdown for the SLO gate (`npm run slo:gate`) and for the pull-request report (sticky comment + job summary).
 * Pure: a result, its verdict and an optional base in; a string out.
 */
import { percentileChart, timelineChart } from './chart.ts';
import type { Comparison, FigureComparison } from './compare.ts';
import type { GateCheck, GateVerdict } from './gate.ts';
import type { LoadTestResult } from './result.ts';

/** The workflow finds and updates its previous comment by this marker, so the PR keeps one report. */
export const STICKY_COMMENT_MARKER = '<!-- shiftgate-loadtest-report -->';

const mark = (passed: boolean) => (passed ? '✅' : '❌');
const shortSha = (sha: string | null) => (sha ? sha.slice(0, 7) : 'unknown');

function marginText(check: GateCheck): string {
  if (check.margin === null || check.marginUnit === null) return '—';
  const size = Math.abs(check.margin);
  const amount = check.marginUnit === 'ms' ? `${size.toFixed(1)} ms` : `${size.toFixed(3)} pp`;
  return check.margin >= 0 ? `${amount} to spare` : `${amount} over`;
}

export function renderGateTable(verdict: GateVerdict): string {
  const rows = verdict.checks.map(
    (check) =>
      `| ${mark(check.passed)} | ${check.name} | ${check.objective} | ${check.measured ?? `not measured: ${check.reason}`} | ${marginText(check)} |`,
  );
  const reasons = verdict.checks
    .filter((check) => !check.passed && check.measured !== null && check.reason)
    .map((check) => `- ${check.name}: ${check.reason}`);
  return [
    '| | Objective | Target | Measured | Margin |',
    '|---|---|---|---|---|',
    ...rows,
    ...(reasons.length ? ['', ...reasons] : []),
  ].join('\n');
}

function runLine(result: LoadTestResult): string {
  const rate =
    result.targetRatePerSecond === null ? 'an unknown rate' : `${result.targetRatePerSecond} req/s`;
  const duration = result.durationSeconds === null ? '' : ` for ${result.durationSeconds.toFixed(0)} s`;
  return `${result.tool} runner · scenario \`${result.scenario}\` · ${rate}${duration} · ${result.target} · commit ${shortSha(result.gitSha)}`;
}

export function renderGateReport(result: LoadTestResult, verdict: GateVerdict): string {
  const headline = verdict.passed ? 'kept every SLO' : 'did NOT keep the SLOs';
  return [
    `### ${mark(verdict.passed)} Load test \`${result.scenario}\` ${headline}`,
    '',
    runLine(result),
    '',
    renderGateTable(verdict),
  ].join('\n');
}

function figureValue(figure: FigureComparison['figure'], value: number | null): string {
  if (value === null) return 'n/a';
  return figure === 'errorRate' ? `${(value * 100).toFixed(2)} %` : `${value.toFixed(1)} ms`;
}

function deltaText(row: FigureComparison): string {
  if (row.delta === null || row.base === null) return 'n/a';
  const sign = row.delta >= 0 ? '+' : '−';
  const size = Math.abs(row.delta);
  if (row.figure === 'errorRate') return `${sign}${(size * 100).toFixed(2)} pp`;
  const share = row.base === 0 ? '' : ` (${sign}${((size / row.base) * 100).toFixed(1)} %)`;
  return `${sign}${size.toFixed(1)} ms${share}`;
}

function verdictText(row: FigureComparison): string {
  if (row.beyondNoise === null) return 'not comparable';
  if (!row.beyondNoise) return 'within noise';
  return row.direction === 'worse' ? '🔺 worse' : '🟢 better';
}

function bandText(row: FigureComparison): string {
  if (row.noiseBand === null) return 'n/a';
  return row.figure === 'errorRate'
    ? `±${(row.noiseBand * 100).toFixed(2)} pp`
    : `±${row.noiseBand.toFixed(1)} ms`;
}

export function renderComparison(comparison: Comparison, base: LoadTestResult): string {
  const rows = comparison.figures.map(
    (row) =>
      `| ${row.figure} | ${figureValue(row.figure, row.base)} | ${figureValue(row.figure, row.current)} | ${deltaText(row)} | ${bandText(row)} | ${verdictText(row)} |`,
  );
  const caveats = comparison.caveats.map((caveat) => `> ⚠️ Not like for like: ${caveat}.`);
  return [
    `#### Compared with the base branch (commit ${shortSha(base.gitSha)})`,
    ...(caveats.length ? ['', ...caveats] : []),
    '',
    '| Figure | Base | This run | Δ | Noise band | Verdict |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function detailsBlock(result: LoadTestResult): string {
  const statuses = result.statusCounts
    ? Object.entries(result.statusCounts)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', ')
    : 'not recorded';
  const achieved =
    result.achievedRatePerSecond === null ? 'n/a' : `${result.achievedRatePerSecond.toFixed(1)} req/s`;
  const lines = [
    `- requests: ${result.requests} (successful: ${result.successfulRequests ?? 'n/a'}, dropped: ${result.droppedRequests ?? 'n/a'})`,
    `- achieved rate: ${achieved}${result.targetRateReached === false ? ' — **target rate not reached**' : ''}`,
    `- status counts: ${statuses}`,
    `- max latency: ${result.latencyMs.max === null ? 'n/a' : `${result.latencyMs.max.toFixed(1)} ms`}`,
    ...(result.missing.length ? [`- not measured by this run: ${result.missing.join(', ')}`] : []),
    ...result.notes.map((note) => `- ${note}`),
  ];
  return ['<details><summary>Run details</summary>', '', ...lines, '', '</details>'].join('\n');
}

export interface PrReportInput {
  result: LoadTestResult;
  verdict: GateVerdict;
  base: { result: LoadTestResult; comparison: Comparison } | null;
  /** The tightest latency limit, drawn over the per-second chart. */
  timelineLimit: { label: string; ms: number } | null;
}

export function renderPrReport({ result, verdict, base, timelineLimit }: PrReportInput): string {
  const sections = [STICKY_COMMENT_MARKER, renderGateReport(result, verdict)];
  sections.push(
    base ? renderComparison(base.comparison, base.result) : '_No base-branch result to compare with yet._',
  );
  const charts = [percentileChart(result, base?.result ?? null), timelineChart(result, timelineLimit)].filter(
    (chart): chart is string => chart !== null,
  );
  sections.push(...charts, detailsBlock(result));
  return `${sections.join('\n\n')}\n`;
}
