/**
 * The normalized load-test result: what both the Node runner and the k6 summary parser produce, what the SLO
 * gate and the PR report read. A figure the source did not measure is null and named in `missing`, never guessed.
 */
import { z } from 'zod';

/**
 * v2: `system` (which path was measured) and `latencySamples` (for the bootstrap noise band); 429 counted bad.
 * The `local-lambda-platform` system was added within v2 without a bump: every older v2 file still parses here,
 * and an older reader meets the new kind only in a newer file, which the PR workflow never gives it (the head's
 * report reads the base commit's results, never the other way round).
 */
export const RESULT_SCHEMA_VERSION = 2 as const;

/** Status-count keys besides numeric codes. */
export const TRANSPORT_ERROR = 'transport_error';
export const OTHER_STATUS = 'other';

const ms = z.number().nonnegative().nullable();

export const LatencySummarySchema = z.object({ p50: ms, p90: ms, p95: ms, p99: ms, max: ms });
export type LatencySummary = z.infer<typeof LatencySummarySchema>;
export const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99'] as const;
export type PercentileKey = (typeof PERCENTILE_KEYS)[number];

export const TimelinePointSchema = z.object({
  /** Whole seconds since the start, by each request's scheduled send time. */
  second: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p50Ms: ms,
  p95Ms: ms,
});
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;

const count = z.number().int().nonnegative();

/**
 * What the local Lambda platform counted itself over the run (its `status`, every version): what the load
 * generator cannot see. null where the platform did not report it (the run ended before `status` answered).
 */
export const PlatformCountsSchema = z.object({
  invocations: count.nullable(),
  coldStarts: count.nullable(),
  throttles: count.nullable(),
  /** Invocations that found every provisioned environment busy and ran on an on-demand one. */
  spillover: count.nullable(),
});
export type PlatformCounts = z.infer<typeof PlatformCountsSchema>;

/**
 * What answered the requests; a report must say which it was. The Node server answers every request on one event
 * loop with micro-batching on, which Lambda never runs; the local Lambda platform (platform/) and a Function URL
 * run the handler the way Lambda does, one request at a time per execution environment.
 */
export const MeasuredSystemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('local-node-server'),
    /** Whether the server coalesced concurrent predictions into one model run, as its start-up log said. */
    microBatching: z.boolean().nullable(),
  }),
  z.object({
    kind: z.literal('local-lambda-platform'),
    /** Execution environments initialised before the first request (provisioned concurrency on `live`). */
    provisionedEnvironments: count.min(1),
    /** The function's concurrency limit: beyond it a request gets 429. */
    maxConcurrency: count.min(1),
    /** null until the run is over. */
    platformCounts: PlatformCountsSchema.nullable(),
  }),
  z.object({ kind: z.literal('function-url'), signedSigV4: z.boolean() }),
  z.object({ kind: z.literal('url'), signedSigV4: z.boolean() }),
  /** A raw k6 summary read back from a file: it does not say what it ran against. */
  z.object({ kind: z.literal('unknown') }),
]);
export type MeasuredSystem = z.infer<typeof MeasuredSystemSchema>;

/** Latencies (ms, 0.01 ms steps) of the successful responses, grouped by second of schedule: the samples the
 * comparison with the base branch resamples (compare.ts). */
export const LatencySamplesSchema = z.array(
  z.object({ second: z.number().int().nonnegative(), ms: z.array(z.number().nonnegative()) }),
);
export type LatencySamples = z.infer<typeof LatencySamplesSchema>;

export const LoadTestResultSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.enum(['node', 'k6']),
  scenario: z.string().min(1),
  target: z.string(),
  system: MeasuredSystemSchema,
  gitSha: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  durationSeconds: z.number().positive().nullable(),
  targetRatePerSecond: z.number().positive().nullable(),
  achievedRatePerSecond: z.number().nonnegative().nullable(),
  targetRateReached: z.boolean().nullable(),
  /** Requests that got an answer or failed in transport (sent and finished). */
  requests: z.number().int().nonnegative(),
  /** Scheduled by the open model but never sent: the client or target could not keep up. */
  droppedRequests: z.number().int().nonnegative().nullable(),
  /** Availability-bad share of `requests`: 5xx, 429 (throttled) and transport failures, as production counts. */
  errorRate: z.number().min(0).max(1).nullable(),
  /** Keyed by HTTP status code, `transport_error`, or `other` (k6: a status the script does not count). */
  statusCounts: z.record(z.string(), z.number().int().nonnegative()).nullable(),
  successfulRequests: z.number().int().nonnegative().nullable(),
  /** Over successful (2xx) responses; the Node runner measures from each request's scheduled send time. */
  latencyMs: LatencySummarySchema,
  timeline: z.array(TimelinePointSchema).nullable(),
  latencySamples: LatencySamplesSchema.nullable(),
  missing: z.array(z.string()),
  notes: z.array(z.string()),
});
export type LoadTestResult = z.infer<typeof LoadTestResultSchema>;

/** Parses untrusted JSON (a file) into a result, or throws naming the source and every bad field. */
export function parseLoadTestResult(json: unknown, source: string): LoadTestResult {
  const parsed = LoadTestResultSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new Error(
    `${source} is not a shiftgate load-test result (schema v${RESULT_SCHEMA_VERSION}): ${problems.join('; ')}. ` +
      'Produce one with `npm run loadtest`; slo:gate and loadtest:report also read a raw k6 summary (a file without schemaVersion).',
  );
}

/** Names the null figures, so a report can say what the source did not measure. */
export function missingFigures(result: Omit<LoadTestResult, 'missing'>): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(result.latencyMs)) {
    if (value === null) missing.push(`latencyMs.${key}`);
  }
  const topLevel = [
    'durationSeconds',
    'achievedRatePerSecond',
    'errorRate',
    'statusCounts',
    'successfulRequests',
    'latencySamples',
  ] as const;
  for (const key of topLevel) if (result[key] === null) missing.push(key);
  return missing;
}

/**
 * The rate counts as reached when nothing was dropped and the achieved rate is within this share of the target:
 * k6 divides by the whole test time including the graceful stop, so a healthy run reads slightly under target.
 */
export const RATE_REACHED_SHARE = 0.95;

export function isTargetRateReached(
  targetRatePerSecond: number,
  achievedRatePerSecond: number,
  droppedRequests: number,
): boolean {
  return droppedRequests === 0 && achievedRatePerSecond >= RATE_REACHED_SHARE * targetRatePerSecond;
}

/** The result as the file `npm run loadtest` writes: indented, but each array of numbers (the latency samples of
 * one second) on one line, so 12,000 samples take 60 lines rather than 12,000. */
export function formatResultJson(result: LoadTestResult): string {
  const indented = JSON.stringify(result, null, 2);
  return `${indented.replace(/\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g, (_match, numbers: string) => `[${numbers.replace(/,\s+/g, ', ')}]`)}\n`;
}
