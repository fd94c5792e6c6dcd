/**
 * Compares a run with the base branch's last run and says whether each change is beyond run-to-run noise.
 * Pure. The noise rule (docs/load-testing.md, "Noise"):
 * - latency percentiles: a seeded block bootstrap (bootstrap.ts) over the per-second latency samples both
 *   results keep gives a 95 % interval for the change; the change counts when that interval excludes 0 and
 *   the change is at least NOISE_FLOOR_MS (smaller ones are below what a shared runner's timers can resolve);
 * - error rate: a two-proportion z-test at 95 % (|Δ| > 1.96 x pooled standard error), since errors are counts.
 * A base run that did not reach its arrival rate is not a baseline and is left out; several base runs (repeated
 * runs of the base branch) put the spread between whole runs into the latency band.
 */
import { type BootstrapOptions, bootstrapDifference, DEFAULT_BOOTSTRAP } from './bootstrap.ts';
import { type LoadTestResult, PERCENTILE_KEYS } from './result.ts';

/** Below this a latency change is timer and scheduler jitter on a shared runner, however certain. */
export const NOISE_FLOOR_MS = 1;
const Z_95 = 1.96;

export type Direction = 'better' | 'worse' | 'same';
export type NoiseBasis = 'block bootstrap' | 'two-proportion z-test';

export interface FigureComparison {
  figure: (typeof PERCENTILE_KEYS)[number] | 'errorRate';
  current: number | null;
  base: number | null;
  delta: number | null;
  /** 95 % interval of the change (current - base); a change whose interval holds 0 is noise. */
  interval: { low: number; high: number } | null;
  basis: NoiseBasis | null;
  beyondNoise: boolean | null;
  direction: Direction | null;
}

export type Comparison =
  | {
      kind: 'compared';
      /** Why the two runs are not like for like, or what could not be compared. */
      caveats: string[];
      figures: FigureComparison[];
      /** The base run the figures are compared with: the newest that reached its rate. */
      base: LoadTestResult;
      /** How many base runs the latency noise band was drawn from. */
      baseRuns: number;
    }
  /** The base run is no baseline (it did not reach its rate): nothing is compared. */
  | { kind: 'ignored'; reason: string };

function directionOf(delta: number, beyondNoise: boolean): Direction {
  if (!beyondNoise) return 'same';
  // Every compared figure is lower-is-better.
  return delta > 0 ? 'worse' : 'better';
}

export function errorRateNoiseBand(current: LoadTestResult, base: LoadTestResult): number | null {
  if (current.errorRate === null || base.errorRate === null) return null;
  if (current.requests === 0 || base.requests === 0) return null;
  const pooled =
    (current.errorRate * current.requests + base.errorRate * base.requests) /
    (current.requests + base.requests);
  return Z_95 * Math.sqrt(pooled * (1 - pooled) * (1 / current.requests + 1 / base.requests));
}

function uncompared(figure: FigureComparison['figure'], current: number | null, base: number | null) {
  return {
    figure,
    current,
    base,
    delta: null,
    interval: null,
    basis: null,
    beyondNoise: null,
    direction: null,
  };
}

function compared(
  figure: FigureComparison['figure'],
  current: number,
  base: number,
  interval: { low: number; high: number },
  basis: NoiseBasis,
  floor: number,
): FigureComparison {
  const delta = current - base;
  const beyondNoise = (interval.low > 0 || interval.high < 0) && Math.abs(delta) >= floor;
  return {
    figure,
    current,
    base,
    delta,
    interval,
    basis,
    beyondNoise,
    direction: directionOf(delta, beyondNoise),
  };
}

function caveatsOf(current: LoadTestResult, base: LoadTestResult): string[] {
  const caveats: string[] = [];
  if (current.scenario !== base.scenario) {
    caveats.push(`different scenarios: ${current.scenario} vs base ${base.scenario}`);
  }
  if (current.targetRatePerSecond !== base.targetRatePerSecond) {
    caveats.push(
      `different arrival rates: ${current.targetRatePerSecond} vs base ${base.targetRatePerSecond} req/s`,
    );
  }
  if (current.tool !== base.tool)
    caveats.push(`different load generators: ${current.tool} vs base ${base.tool}`);
  if (current.system.kind !== base.system.kind)
    caveats.push(`different systems measured: ${current.system.kind} vs base ${base.system.kind}`);
  return caveats;
}

const reachedRate = (result: LoadTestResult) => result.targetRateReached !== false;

/**
 * `bases` are the base branch's results, newest first: the newest is the one the figures are compared with;
 * every one that reached its rate feeds the noise band (repeated runs show how much a whole run varies).
 */
export function compareResults(
  current: LoadTestResult,
  bases: LoadTestResult | readonly LoadTestResult[],
  bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Comparison {
  const all = Array.isArray(bases) ? bases : [bases as LoadTestResult];
  const usable = all.filter(reachedRate);
  const base = usable[0];
  if (base === undefined) {
    const newest = all[0];
    const achieved = newest?.achievedRatePerSecond?.toFixed(1) ?? 'n/a';
    return {
      kind: 'ignored',
      reason: `the base run did not reach its arrival rate (${achieved} of ${newest?.targetRatePerSecond} req/s, ${newest?.droppedRequests ?? 0} dropped), so its latency is no baseline`,
    };
  }
  const caveats = caveatsOf(current, base);
  const skipped = all.length - usable.length;
  if (skipped > 0) caveats.push(`${skipped} base run(s) that did not reach their arrival rate left out`);
  const baseSamples = usable.flatMap((result) => (result.latencySamples ? [result.latencySamples] : []));
  const intervals =
    current.latencySamples && base.latencySamples
      ? bootstrapDifference(current.latencySamples, baseSamples, PERCENTILE_KEYS, bootstrap)
      : null;
  if (intervals === null) {
    const without = [current.latencySamples ? null : 'this run', base.latencySamples ? null : 'the base run']
      .filter((name) => name !== null)
      .join(' and ');
    caveats.push(
      without === ''
        ? 'latency not compared: a run has fewer than two seconds of samples'
        : `latency not compared: ${without} kept no latency samples (a k6 summary has none)`,
    );
  }
  const figures: FigureComparison[] = PERCENTILE_KEYS.map((key) => {
    const currentMs = current.latencyMs[key];
    const baseMs = base.latencyMs[key];
    if (currentMs === null || baseMs === null || intervals === null)
      return uncompared(key, currentMs, baseMs);
    return compared(key, currentMs, baseMs, intervals[key], 'block bootstrap', NOISE_FLOOR_MS);
  });
  const band = errorRateNoiseBand(current, base);
  if (current.errorRate === null || base.errorRate === null || band === null) {
    figures.push(uncompared('errorRate', current.errorRate, base.errorRate));
  } else {
    const delta = current.errorRate - base.errorRate;
    figures.push(
      compared(
        'errorRate',
        current.errorRate,
        base.errorRate,
        { low: delta - band, high: delta + band },
        'two-proportion z-test',
        0,
      ),
    );
  }
  return { kind: 'compared', caveats, figures, base, baseRuns: baseSamples.length };
}
