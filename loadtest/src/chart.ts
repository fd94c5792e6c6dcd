/**
 * Mermaid xychart blocks for the PR report (GitHub renders them in comments and job summaries). Pure. Only
 * measured points are drawn: a missing percentile is left off the axis, never drawn as 0.
 */
import { type LoadTestResult, PERCENTILE_KEYS } from './result.ts';

/** A chart value: one decimal at most, no trailing zeros. */
export const fmt = (value: number) => Number(value.toFixed(1)).toString();

export function yMax(values: number[]): number {
  const top = Math.max(1, ...values);
  // A round ceiling a little above the top value, so bars do not touch the frame.
  const step = 10 ** Math.floor(Math.log10(top));
  return Math.ceil((top * 1.1) / step) * step;
}

/** Bars: this run's percentiles; line: the base run's, when it has the same ones. */
export function percentileChart(current: LoadTestResult, base: LoadTestResult | null): string | null {
  const keys = PERCENTILE_KEYS.filter((key) => current.latencyMs[key] !== null);
  if (keys.length === 0) return null;
  const currentValues = keys.map((key) => current.latencyMs[key] ?? 0);
  const baseMeasured = base === null ? [] : keys.flatMap((key) => base.latencyMs[key] ?? []);
  const baseValues = baseMeasured.length === keys.length ? baseMeasured : null;
  const all = [...currentValues, ...(baseValues ?? [])];
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "Latency of successful responses (ms): bars = this run${baseValues ? ', line = base' : ''}"`,
    `  x-axis [${keys.join(', ')}]`,
    `  y-axis "ms" 0 --> ${yMax(all)}`,
    `  bar [${currentValues.map(fmt).join(', ')}]`,
  ];
  if (baseValues) lines.push(`  line [${baseValues.map(fmt).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

/** The per-second chart plots each second's p95 (the timeline's `p95Ms`), so its limit line is the p95 SLO's. */
export const TIMELINE_PERCENTILE = 95;

/** More bars than this are unreadable in a PR comment; longer runs are drawn in groups of seconds. */
const MAX_TIMELINE_BARS = 60;

/** Groups consecutive seconds, keeping each group's worst p95 so a spike is never averaged away. */
function groupedTimeline(result: LoadTestResult): { second: number; p95Ms: number }[] {
  const points = (result.timeline ?? []).flatMap((point) =>
    point.p95Ms === null ? [] : [{ second: point.second, p95Ms: point.p95Ms }],
  );
  const size = Math.ceil(points.length / MAX_TIMELINE_BARS);
  const groups: { second: number; p95Ms: number }[] = [];
  for (let start = 0; start < points.length; start += size) {
    const group = points.slice(start, start + size);
    groups.push({ second: group[0]?.second ?? 0, p95Ms: Math.max(...group.map((point) => point.p95Ms)) });
  }
  return groups;
}

/** Per-second p95 over the run (bars) against the p95 limit (line): queueing shows as a rising slope. */
export function timelineChart(
  result: LoadTestResult,
  limit: { label: string; ms: number } | null,
): string | null {
  const points = groupedTimeline(result);
  if (points.length < 2) return null;
  const values = points.map((point) => point.p95Ms);
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "p95 per second of the run (ms)${limit ? `: line = ${limit.label}` : ''}"`,
    `  x-axis "second" [${points.map((point) => point.second).join(', ')}]`,
    `  y-axis "ms" 0 --> ${yMax([...values, limit?.ms ?? 0])}`,
    `  bar [${values.map(fmt).join(', ')}]`,
  ];
  if (limit) lines.push(`  line [${points.map(() => fmt(limit.ms)).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}
