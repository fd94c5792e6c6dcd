/**
 * Mermaid xychart blocks for the release report (GitHub renders them in comments and job summaries), drawn as
 * loadtest/src/chart.ts draws the load test's. Pure. Only measured points are drawn.
 */
import { fmt, yMax } from '../../loadtest/src/chart.ts';
import { timelineLimitOf } from '../../loadtest/src/report.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import type { ReleaseReport, ReportStep } from './report.ts';

/** Seconds from one ISO time to another. */
export const secondsSince = (startIso: string, iso: string) =>
  (Date.parse(iso) - Date.parse(startIso)) / 1000;

const stepLabel = (step: ReportStep) => (step.phase === 'watch' ? 'watch' : `${fmt(step.weight * 100)} %`);

/** More points than this are unreadable in a PR comment; a longer release is drawn in groups of seconds. */
const MAX_CHART_POINTS = 60;

/**
 * The candidate's weight (%) over the release's seconds, as a step line: each group of seconds shows the highest
 * weight it held, so a brief shift is never drawn away.
 */
export function weightChart(report: ReleaseReport): string | null {
  if (report.maxCandidateWeight === 0) return null;
  const end = report.finishedAt ?? report.reportedAt;
  const total = Math.ceil(secondsSince(report.startedAt, end));
  const size = Math.max(1, Math.ceil((total + 1) / MAX_CHART_POINTS));
  const updates = report.timeline.map((event) => ({
    second: secondsSince(report.startedAt, event.at),
    weight: event.weight,
  }));
  const points: { second: number; weight: number }[] = [];
  for (let second = 0; second <= total; second += size) {
    const before = updates.filter((update) => update.second <= second).at(-1)?.weight ?? 0;
    const within = updates.filter((update) => update.second > second && update.second < second + size);
    points.push({ second, weight: Math.max(before, ...within.map((update) => update.weight)) });
  }
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Version ${report.candidate}: share of live (%) over the release"`,
    `  x-axis "second" [${points.map((point) => point.second).join(', ')}]`,
    '  y-axis "% of live" 0 --> 100',
    `  line [${points.map((point) => fmt(point.weight * 100)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** The candidate's p95 of successful responses per judged bake (bars) against the SLO's p95 limit (line). */
export function stepLatencyChart(report: ReleaseReport): string | null {
  const measured = report.steps.flatMap((step) =>
    step.candidate.appLatencyP95Ms === null
      ? []
      : [{ label: stepLabel(step), p95: step.candidate.appLatencyP95Ms }],
  );
  if (measured.length === 0) return null;
  const limit = timelineLimitOf(loadTestObjectives());
  const values = measured.map((point) => point.p95);
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "Candidate p95 per judged bake (ms)${limit ? `: line = ${limit.label}` : ''}"`,
    `  x-axis [${measured.map((point) => `"${point.label}"`).join(', ')}]`,
    `  y-axis "ms" 0 --> ${yMax([...values, limit?.ms ?? 0])}`,
    `  bar [${values.map(fmt).join(', ')}]`,
  ];
  if (limit) lines.push(`  line [${measured.map(() => fmt(limit.ms)).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}
