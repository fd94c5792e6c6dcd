/**
 * The pure half of `loadtest --platform local`: how big a platform a run needs (from the scenario's rate and the
 * SLOs), and how to read what the platform's CLI prints (`start`'s last line, `status`'s JSON).
 */
import { type LoadTestObjectives, loadTestObjectives } from '../../slo/src/load-test.ts';
import type { MeasuredSystem, PlatformCounts } from './result.ts';

export interface PlatformSize {
  provisionedEnvironments: number;
  maxConcurrency: number;
}

/** Two environments at least, so two requests that overlap never wait for a cold start. */
const MIN_PROVISIONED = 2;
/**
 * The concurrency limit leaves as many on-demand environments as provisioned ones: a burst beyond the provisioned
 * pool spills over into cold starts (counted, as Lambda counts them) before anything is throttled. A 429 still
 * happens where Lambda would give one, at the limit.
 */
const ON_DEMAND_PER_PROVISIONED = 1;

/**
 * How many environments to provision for a run of `ratePerSecond`. Little's law: requests in flight = arrival
 * rate × time each spends in the system. Taking that time as the slowest latency the SLOs accept (the
 * highest-percentile latency objective, the p95's 80 ms today) covers the expected concurrency with room: at
 * 200 req/s, 16 environments, where the mean latency (a few ms) would need one or two. A service that keeps its
 * SLOs never waits for a cold start this way, so a cold start or a spillover in the result is news, not noise.
 */
export function platformSizeFor(
  ratePerSecond: number,
  objectives: LoadTestObjectives = loadTestObjectives(),
): PlatformSize {
  const slowest = objectives.latency.reduce<LoadTestObjectives['latency'][number] | null>(
    (worst, gate) => (worst === null || gate.percentile > worst.percentile ? gate : worst),
    null,
  );
  if (slowest === null) {
    throw new Error(
      'the SLO definition has no latency objective, so the local platform cannot be sized for the run; add one to slo/src/definition.ts',
    );
  }
  const inFlight = Math.ceil((ratePerSecond * slowest.thresholdMs) / 1_000);
  const provisionedEnvironments = Math.max(MIN_PROVISIONED, inFlight);
  return {
    provisionedEnvironments,
    maxConcurrency: provisionedEnvironments * (1 + ON_DEMAND_PER_PROVISIONED),
  };
}

/** The `live` URL from `start`'s output: its last line, by the CLI's contract. */
export function liveUrlOf(stdout: string): string {
  const last = stdout.trimEnd().split('\n').at(-1)?.trim() ?? '';
  if (!/^https?:\/\/[^/\s]+\S*$/.test(last)) {
    throw new Error(
      `the platform's \`start\` printed "${last}" as its last line, not the live URL; run \`npm run platform:local -- start\` to see its output`,
    );
  }
  return last.replace(/\/+$/, '');
}

const countOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;

export interface StatusCounts {
  /** The version `live` points at; null before anything is live. */
  liveVersion: string | null;
  invocations: number | null;
  coldStarts: number | null;
  throttles: number | null;
}

/**
 * The platform's own counts from `status`'s JSON, summed over every version (a fresh platform has one). A count
 * a version does not report makes the total null rather than a guess.
 */
export function statusCountsOf(statusJson: string): StatusCounts {
  let status: unknown;
  try {
    status = JSON.parse(statusJson);
  } catch (error) {
    throw new Error(
      `the platform's \`status\` printed something other than JSON: ${statusJson.slice(0, 200)}`,
      {
        cause: error,
      },
    );
  }
  const { versions, live } = (typeof status === 'object' && status !== null ? status : {}) as Record<
    string,
    unknown
  >;
  if (typeof versions !== 'object' || versions === null) {
    throw new Error(`the platform's \`status\` has no "versions" object: ${statusJson.slice(0, 200)}`);
  }
  const total = (key: string): number | null => {
    let sum = 0;
    for (const figures of Object.values(versions)) {
      const value = countOrNull((figures as Record<string, unknown> | null)?.[key]);
      if (value === null) return null;
      sum += value;
    }
    return sum;
  };
  const liveVersion = (live as { version?: unknown } | null | undefined)?.version;
  return {
    liveVersion: typeof liveVersion === 'string' ? liveVersion : null,
    invocations: total('invocations'),
    coldStarts: total('coldStarts'),
    throttles: total('throttles'),
  };
}

/** The result's `system` for a run on the local platform; counts are null until the run is over. */
export function platformSystem(size: PlatformSize, counts: PlatformCounts | null): MeasuredSystem {
  return { kind: 'local-lambda-platform', ...size, platformCounts: counts };
}
