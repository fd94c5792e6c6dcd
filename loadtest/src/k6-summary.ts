/**
 * Reads real k6 end-of-test output into the normalized result. Two formats exist:
 * - `k6 run --summary-export`: each metric's statistics flat on the metric (`{ count, rate }`, `{ med, p(95) }`,
 *   failed-rate as `value`), thresholds as `{ expr: true-if-FAILED }`, no test duration;
 * - the `handleSummary(data)` object: `{ type, contains, values: {...} }` per metric and `state.testRunDurationMs`.
 * A figure the summary does not hold is reported null and named in `missing`, never filled in.
 */
import { K6_SUCCESS_DURATION_METRIC } from '../../slo/src/load-test.ts';
import { OTHER_STATUS_METRIC, STATUS_METRIC_PREFIX } from './k6-contract.ts';
import {
  isTargetRateReached,
  type LatencySummary,
  type LoadTestResult,
  type MeasuredSystem,
  missingFigures,
  OTHER_STATUS,
  RESULT_SCHEMA_VERSION,
  TRANSPORT_ERROR,
} from './result.ts';

export type K6SummaryFormat = 'summary-export' | 'handle-summary';

type Stats = Record<string, number>;

export interface K6RunContext {
  scenario: string;
  target: string;
  system: MeasuredSystem;
  gitSha: string | null;
  /** Known when the run was ours (an arrival-rate scenario); null for a foreign summary. */
  targetRatePerSecond: number | null;
  /** When k6 was started, if known: k6 summaries do not say. */
  startedAt?: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function numericStats(value: unknown): Stats {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'number')) as Stats;
}

export function detectK6SummaryFormat(json: unknown): K6SummaryFormat {
  if (!isRecord(json) || !isRecord(json.metrics)) {
    throw new Error(
      'not a k6 summary: expected an object with "metrics" (from --summary-export or handleSummary)',
    );
  }
  const first = Object.values(json.metrics).find(isRecord);
  if (first === undefined) throw new Error('not a k6 summary: "metrics" holds no metric objects');
  return isRecord(first.values) ? 'handle-summary' : 'summary-export';
}

/** Every metric as flat numeric statistics, whichever the format. */
export function k6MetricStats(json: unknown): Map<string, Stats> {
  const format = detectK6SummaryFormat(json);
  const metrics = (json as { metrics: Record<string, unknown> }).metrics;
  const stats = new Map<string, Stats>();
  for (const [name, metric] of Object.entries(metrics)) {
    if (!isRecord(metric)) continue;
    stats.set(name, numericStats(format === 'handle-summary' ? metric.values : metric));
  }
  return stats;
}

/** Latency sources, best first: 200s only (what slo/ thresholds), then k6's "expected" responses. */
const LATENCY_SOURCES = [
  { metric: K6_SUCCESS_DURATION_METRIC, note: null },
  {
    metric: 'http_req_duration{expected_response:true}',
    note: 'latency is over k6 "expected" responses (2xx-3xx by default, or as the script\'s response callback says), not 200s only',
  },
] as const;

const LATENCY_STATS: Record<keyof LatencySummary, string> = {
  p50: 'med',
  p90: 'p(90)',
  p95: 'p(95)',
  p99: 'p(99)',
  max: 'max',
};

function statusCountsFrom(stats: Map<string, Stats>): Record<string, number> | null {
  const counts: Record<string, number> = {};
  for (const [name, values] of stats) {
    if (!name.startsWith(STATUS_METRIC_PREFIX) || values.count === undefined) continue;
    const key = name === OTHER_STATUS_METRIC ? OTHER_STATUS : name.slice(STATUS_METRIC_PREFIX.length);
    if (values.count > 0) counts[key === '0' ? TRANSPORT_ERROR : key] = values.count;
  }
  const tracked = [...stats.keys()].some((name) => name.startsWith(STATUS_METRIC_PREFIX));
  return tracked ? counts : null;
}

export function parseK6Summary(json: unknown, context: K6RunContext): LoadTestResult {
  const format = detectK6SummaryFormat(json);
  const stats = k6MetricStats(json);
  const notes: string[] = [`parsed from a k6 ${format} summary`];

  const httpReqs = stats.get('http_reqs');
  if (httpReqs?.count === undefined) {
    throw new Error(
      'k6 summary has no http_reqs count: the script made no HTTP requests, or this is not a k6 run',
    );
  }
  const requests = httpReqs.count;
  const achievedRatePerSecond = httpReqs.rate ?? null;

  const state = isRecord(json) && isRecord(json.state) ? json.state : {};
  let durationSeconds: number | null = null;
  if (typeof state.testRunDurationMs === 'number') {
    durationSeconds = state.testRunDurationMs / 1_000;
  } else if (achievedRatePerSecond !== null && achievedRatePerSecond > 0) {
    // k6's rate is count / test duration, so the duration follows exactly from the two.
    durationSeconds = requests / achievedRatePerSecond;
    notes.push('duration derived from http_reqs count / rate (the summary-export format has no duration)');
  }

  const failed = stats.get('http_req_failed');
  const errorRate = failed?.rate ?? failed?.value ?? null;
  const statusCounts = statusCountsFrom(stats);
  if (statusCounts === null) {
    notes.push(
      'no per-status counters: the error rate is k6 http_req_failed, which counts 4xx unless the script set a response callback',
    );
  }

  const source = LATENCY_SOURCES.find(({ metric }) => stats.has(metric));
  const latencyStats = source ? (stats.get(source.metric) ?? {}) : {};
  if (source?.note) notes.push(source.note);
  const latencyMs = Object.fromEntries(
    Object.entries(LATENCY_STATS).map(([key, stat]) => [key, latencyStats[stat] ?? null]),
  ) as LatencySummary;
  const successfulRequests = latencyStats.count ?? statusCounts?.['200'] ?? null;

  let droppedRequests: number | null = null;
  let targetRateReached: boolean | null = null;
  if (context.targetRatePerSecond !== null) {
    // k6 emits dropped_iterations only when it dropped some.
    droppedRequests = stats.get('dropped_iterations')?.count ?? 0;
    targetRateReached =
      achievedRatePerSecond !== null &&
      isTargetRateReached(context.targetRatePerSecond, achievedRatePerSecond, droppedRequests);
  }

  const result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: 'k6' as const,
    scenario: context.scenario,
    target: context.target,
    system: context.system,
    gitSha: context.gitSha,
    startedAt: context.startedAt ?? null,
    durationSeconds,
    targetRatePerSecond: context.targetRatePerSecond,
    achievedRatePerSecond,
    targetRateReached,
    requests,
    droppedRequests,
    errorRate,
    statusCounts,
    successfulRequests,
    latencyMs,
    timeline: null,
    latencySamples: null,
    notes,
  };
  return { ...result, missing: missingFigures(result) };
}
