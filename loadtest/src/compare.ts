/**
 * Compares a commit's run(s) with runs of the base commit and says whether each change is beyond run-to-run
 * noise. Pure. The noise rule (docs/load-testing.md, "Noise"):
 * - latency percentiles: a seeded block bootstrap (bootstrap.ts) over the per-second latency samples the
 *   results keep gives a 95 % interval for the change; the change counts when that interval excludes 0 and
 *   the change is at least NOISE_FLOOR_MS (smaller ones are below what a shared runner's timers can resolve);
 * - error rate: a two-proportion z-test at 95 % (|Δ| > 1.96 x pooled standard error), since errors are counts.
 * Each side may be repeated runs of ONE commit (the workflow alternates base and head on one runner): they put
 * the spread between whole runs into the band. A run of another commit would put real changes into it, and a
 * run that did not reach its arrival rate is no baseline: both are left out, and said so. The reported change is
 * computed from the same pooled runs the interval resamples.
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
      /** The newest base run that reached its rate; the figures pool every run of its commit. */
      base: LoadTestResult;
      /** How many runs of the base commit, and of this commit, the figures and the band were drawn from. */
      baseRuns: number;
      currentRuns: number;
    }
  /** The base run is no baseline (it did not reach its rate): nothing is compared. */
  | { kind: 'ignored'; reason: string };

function directionOf(delta: number, beyondNoise: boolean): Direction {
  if (!beyondNoise) return 'same';
  // Every compared figure is lower-is-better.
  return delta > 0 ? 'worse' : 'better';
}

type ErrorCount = Pick<LoadTestResult, 'errorRate' | 'requests'>;

export function errorRateNoiseBand(current: ErrorCount, base: ErrorCount): number | null {
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
const shortSha = (sha: string | null) => (sha === null ? 'unknown' : sha.slice(0, 7));

/**
 * The runs of `side` that may be pooled with `first`: of its commit and at full rate. A commit that is not
 * recorded cannot be matched, so such a run stands alone. The rest are left out with a caveat.
 */
function repeatsOf(
  first: LoadTestResult,
  others: readonly LoadTestResult[],
  side: string,
  caveats: string[],
) {
  const missedRate = others.filter((result) => !reachedRate(result)).length;
  if (missedRate > 0)
    caveats.push(`${missedRate} ${side} run(s) that did not reach their arrival rate left out`);
  const atRate = others.filter(reachedRate);
  if (first.gitSha === null) {
    if (atRate.length > 0)
      caveats.push(
        `${atRate.length} other ${side} run(s) left out: the compared run records no commit to match`,
      );
    return [first];
  }
  const otherCommits = atRate.filter((result) => result.gitSha !== first.gitSha);
  if (otherCommits.length > 0) {
    const shas = [...new Set(otherCommits.map((result) => shortSha(result.gitSha)))].join(', ');
    caveats.push(
      `${otherCommits.length} ${side} run(s) of other commits (${shas}) left out: the band holds repeated runs of ${shortSha(first.gitSha)} only`,
    );
  }
  return [first, ...atRate.filter((result) => result.gitSha === first.gitSha)];
}

/** Errors over requests of every run pooled; null when a run lacks its error rate. */
function pooledErrors(runs: readonly LoadTestResult[]): ErrorCount {
  if (runs.some((run) => run.errorRate === null)) return { errorRate: null, requests: 0 };
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const errors = runs.reduce((sum, run) => sum + (run.errorRate ?? 0) * run.requests, 0);
  return { errorRate: requests === 0 ? null : errors / requests, requests };
}

const asList = (runs: LoadTestResult | readonly LoadTestResult[]) =>
  Array.isArray(runs) ? (runs as readonly LoadTestResult[]) : [runs as LoadTestResult];

/**
 * `current` is this commit's run, or its runs with the one being gated first; `bases` are runs of the base
 * branch, newest first. The newest base run that reached its rate names the base commit; its other runs at
 * full rate are pooled with it (see repeatsOf).
 */
export function compareResults(
  current: LoadTestResult | readonly LoadTestResult[],
  bases: LoadTestResult | readonly LoadTestResult[],
  bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Comparison {
  const [gated, ...repeats] = asList(current) as [LoadTestResult, ...LoadTestResult[]];
  const all = asList(bases);
  const base = all.find(reachedRate);
  if (base === undefined) {
    const newest = all[0];
    const achieved = newest?.achievedRatePerSecond?.toFixed(1) ?? 'n/a';
    return {
      kind: 'ignored',
      reason: `the base run did not reach its arrival rate (${achieved} of ${newest?.targetRatePerSecond} req/s, ${newest?.droppedRequests ?? 0} dropped), so its latency is no baseline`,
    };
  }
  const caveats = caveatsOf(gated, base);
  const baseRuns = repeatsOf(
    base,
    all.filter((result) => result !== base),
    'base',
    caveats,
  );
  const currentRuns = repeatsOf(gated, repeats, 'head', caveats);
  const samplesOf = (runs: readonly LoadTestResult[]) =>
    runs.flatMap((result) => (result.latencySamples ? [result.latencySamples] : []));
  const intervals =
    gated.latencySamples && base.latencySamples
      ? bootstrapDifference(samplesOf(currentRuns), samplesOf(baseRuns), PERCENTILE_KEYS, bootstrap)
      : null;
  if (intervals === null) {
    const without = [gated.latencySamples ? null : 'this run', base.latencySamples ? null : 'the base run']
      .filter((name) => name !== null)
      .join(' and ');
    caveats.push(
      without === ''
        ? 'latency not compared: a run has fewer than two seconds of samples'
        : `latency not compared: ${without} kept no latency samples (a k6 summary has none)`,
    );
  }
  const figures: FigureComparison[] = PERCENTILE_KEYS.map((key) => {
    const interval = intervals?.[key];
    if (interval === undefined) return uncompared(key, gated.latencyMs[key], base.latencyMs[key]);
    const { low, high } = interval;
    return compared(key, interval.current, interval.base, { low, high }, 'block bootstrap', NOISE_FLOOR_MS);
  });
  const currentErrors = pooledErrors(currentRuns);
  const baseErrors = pooledErrors(baseRuns);
  const band = errorRateNoiseBand(currentErrors, baseErrors);
  if (currentErrors.errorRate === null || baseErrors.errorRate === null || band === null) {
    figures.push(uncompared('errorRate', gated.errorRate, base.errorRate));
  } else {
    const delta = currentErrors.errorRate - baseErrors.errorRate;
    figures.push(
      compared(
        'errorRate',
        currentErrors.errorRate,
        baseErrors.errorRate,
        { low: delta - band, high: delta + band },
        'two-proportion z-test',
        0,
      ),
    );
  }
  return {
    kind: 'compared',
    caveats,
    figures,
    base,
    baseRuns: baseRuns.length,
    currentRuns: currentRuns.length,
  };
}
