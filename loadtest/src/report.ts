/**
 * Markdown for the SLO gate (`npm run slo:gate`) and for the pull-request report (sticky comment + job summary).
 * Pure: a result, its verdict and an optional base in; a string out.
 */
import type { LoadTestObjectives } from '../../slo/src/load-test.ts';
import { percentileChart, TIMELINE_PERCENTILE, timelineChart } from './chart.ts';
import type { Comparison, FigureComparison } from './compare.ts';
import type { GateCheck, GateVerdict } from './gate.ts';
import type { LoadTestResult, MeasuredSystem } from './result.ts';

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

const countText = (value: number | null, noun: string) =>
  value === null ? `unknown ${noun}s` : `${value} ${noun}${value === 1 ? '' : 's'}`;

/** Which path answered, in words, from the result's own data. */
export function describeSystem(system: MeasuredSystem, target: string): string {
  switch (system.kind) {
    case 'local-node-server': {
      const batching =
        system.microBatching === null
          ? 'micro-batching unknown'
          : `micro-batching ${system.microBatching ? 'on' : 'off'}`;
      return `target: local Node server (${batching}) — not the Lambda path (one request at a time per execution environment)`;
    }
    case 'local-lambda-platform': {
      const counts = system.platformCounts;
      const counted =
        counts === null
          ? ''
          : `; the platform counted ${countText(counts.coldStarts, 'cold start')}, ${countText(counts.spillover, 'spillover invocation')}, ${countText(counts.throttles, 'throttle')}`;
      return `target: local Lambda platform, live alias ${target} — the Lambda path, one request per execution environment (${system.provisionedEnvironments} provisioned, concurrency limit ${system.maxConcurrency}${counted})`;
    }
    case 'function-url':
      return `target: Lambda Function URL ${target}${system.signedSigV4 ? ' (SigV4-signed)' : ' (unsigned)'} — the Lambda path`;
    case 'url':
      return `target: ${target}${system.signedSigV4 ? ' (SigV4-signed)' : ''} — not known to be the Lambda path`;
    case 'unknown':
      return 'target: not recorded (a raw k6 summary)';
  }
}

function runLine(result: LoadTestResult): string {
  const rate =
    result.targetRatePerSecond === null ? 'an unknown rate' : `${result.targetRatePerSecond} req/s`;
  const duration = result.durationSeconds === null ? '' : ` for ${result.durationSeconds.toFixed(0)} s`;
  return `${result.tool} runner · scenario \`${result.scenario}\` · ${rate}${duration} · commit ${shortSha(result.gitSha)}`;
}

export function renderGateReport(result: LoadTestResult, verdict: GateVerdict): string {
  const headline = verdict.passed ? 'kept every SLO' : 'did NOT keep the SLOs';
  return [
    `### ${mark(verdict.passed)} Load test \`${result.scenario}\` ${headline}`,
    '',
    runLine(result),
    '',
    `**${describeSystem(result.system, result.target)}**`,
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

function intervalText(row: FigureComparison): string {
  if (row.interval === null || row.basis === null) return 'n/a';
  const signed = (value: number) =>
    `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(row.figure === 'errorRate' ? 2 : 1)}`;
  const scale = (value: number) => (row.figure === 'errorRate' ? value * 100 : value);
  const unit = row.figure === 'errorRate' ? 'pp' : 'ms';
  return `[${signed(scale(row.interval.low))}, ${signed(scale(row.interval.high))}] ${unit} (${row.basis})`;
}

export function renderComparison(comparison: Comparison, newestBase: LoadTestResult): string {
  const base = comparison.kind === 'compared' ? comparison.base : newestBase;
  const runs =
    comparison.kind === 'compared' && comparison.baseRuns + comparison.currentRuns > 2
      ? `; ${comparison.baseRuns} run(s) of it and ${comparison.currentRuns} of this commit pooled`
      : '';
  const heading = `#### Compared with the base branch (commit ${shortSha(base.gitSha)}${runs})`;
  if (comparison.kind === 'ignored')
    return [heading, '', `> ⚠️ Base run ignored: ${comparison.reason}.`].join('\n');
  const rows = comparison.figures.map(
    (row) =>
      `| ${row.figure} | ${figureValue(row.figure, row.base)} | ${figureValue(row.figure, row.current)} | ${deltaText(row)} | ${intervalText(row)} | ${verdictText(row)} |`,
  );
  const caveats = comparison.caveats.map((caveat) => `> ⚠️ ${caveat}.`);
  return [
    heading,
    ...(caveats.length ? ['', ...caveats] : []),
    '',
    '| Figure | Base | This run | Δ | 95 % interval of Δ | Verdict |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'A change is beyond noise when its 95 % interval excludes 0 (latency: also at least 1 ms). Base, this ' +
      'run and Δ pool every run of each commit, the data the interval is drawn from. The latency interval is a ' +
      'block bootstrap over the runs’ seconds: with one run each it covers sampling noise and stalls, not a ' +
      'machine that was slower for a whole run; repeated runs of each commit on one runner add that spread.',
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
  /** The base branch's result and its comparison, or why there is none. */
  base: { result: LoadTestResult; comparison: Comparison } | { none: string } | null;
  /** The limit of the percentile the per-second chart draws (p95), or null when no SLO sets one. */
  timelineLimit: { label: string; ms: number } | null;
}

/** The latency limit that belongs over the per-second chart: the one on the percentile it plots. */
export function timelineLimitOf(objectives: LoadTestObjectives): { label: string; ms: number } | null {
  const gate = objectives.latency.find((candidate) => candidate.percentile === TIMELINE_PERCENTILE);
  return gate ? { label: `${gate.name} limit (${gate.thresholdMs} ms)`, ms: gate.thresholdMs } : null;
}

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

export function renderPrReport({ result, verdict, base, timelineLimit }: PrReportInput): string {
  const sections = [STICKY_COMMENT_MARKER, renderGateReport(result, verdict)];
  const compared = base !== null && 'result' in base ? base : null;
  const missingBase =
    base !== null && 'none' in base ? base.none : 'no base-branch result to compare with yet';
  sections.push(
    compared ? renderComparison(compared.comparison, compared.result) : `_${capitalized(missingBase)}._`,
  );
  const baseForChart = compared?.comparison.kind === 'compared' ? compared.comparison.base : null;
  const charts = [percentileChart(result, baseForChart), timelineChart(result, timelineLimit)].filter(
    (chart): chart is string => chart !== null,
  );
  sections.push(...charts, detailsBlock(result));
  return `${sections.join('\n\n')}\n`;
}
