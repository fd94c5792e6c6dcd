/**
 * The daemon's settings, as its own command line and the CLI's `start` take them: the defaults in one place, and
 * one parser for their integer flags, so that the CLI refuses before spawning anything what the daemon would
 * refuse after.
 */

export const DAEMON_DEFAULTS = {
  /** The live front's port: 0 for any free one. */
  livePort: 0,
  /** The function's concurrency limit: what a laptop serves, not an account's 1,000. */
  maxConcurrency: 8,
  /** The autoscaler's period: AAS evaluates per minute; 10 s keeps a local rehearsal short. */
  scalingPeriodMs: 10_000,
  /** An idle on-demand environment is stopped after 10 minutes, as Lambda reclaims idle ones. */
  idleTimeoutMs: 600_000,
  /**
   * The metric store's period: CloudWatch's minute for Lambda's metrics. A rehearsal that compresses time (bakes
   * of seconds) shortens it, so its judgements still read whole periods.
   */
  metricPeriodMs: 60_000,
} as const;

/**
 * The metric periods a daemon takes: from 100 ms to CloudWatch's minute, dividing the minute, so that periods
 * tile every minute exactly and a minute's figures are the same whatever period they were kept at.
 */
export const METRIC_PERIOD_RANGE: IntegerRange = { min: 100, max: DAEMON_DEFAULTS.metricPeriodMs };

/** --metric-period-ms: an integer in METRIC_PERIOD_RANGE that divides the minute; the default when absent. */
export function metricPeriodFlag(value: string | undefined): number {
  const minute = DAEMON_DEFAULTS.metricPeriodMs;
  const period = integerFlag(value, 'metric-period-ms', minute, METRIC_PERIOD_RANGE);
  if (minute % period !== 0) {
    throw new Error(
      `--metric-period-ms ${value} does not divide ${minute} (CloudWatch's minute): give one that does, ` +
        'e.g. --metric-period-ms 1000',
    );
  }
  return period;
}

export interface IntegerRange {
  readonly min: number;
  readonly max?: number;
}

/** A TCP port; 0 asks the system for any free one. */
export const PORT_RANGE: IntegerRange = { min: 0, max: 65_535 };

/**
 * The integer an `--flag` was given, or `fallback` when it was not; anything else — not a whole number, or
 * outside `range` — is an error naming the flag, the value and what it takes.
 */
export function integerFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  range: IntegerRange,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < range.min || (range.max !== undefined && number > range.max)) {
    const wanted =
      range.max === undefined
        ? `an integer of at least ${range.min}`
        : `an integer from ${range.min} to ${range.max}`;
    throw new Error(`--${flag} ${value} is not ${wanted}: give one, e.g. --${flag} ${fallback}`);
  }
  return number;
}

/**
 * The daemon's exit code when another daemon already holds the state dir: the CLI that spawned it must then undo
 * nothing (the state dir is that other daemon's), whereas any other failed start is undone.
 */
export const ALREADY_RUNS_EXIT_CODE = 3;
