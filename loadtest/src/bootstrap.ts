/**
 * A seeded block bootstrap of latency percentiles. The blocks are the run's seconds of schedule, resampled with
 * replacement: latencies in one second share that second's queue and machine stalls, so resampling single
 * requests would treat correlated samples as independent and make the interval too narrow. Given repeated runs
 * of a commit it also resamples whole runs (see bootstrapDifference). Pure and deterministic: the same samples
 * and seed give the same interval.
 */
import { percentile } from '../../common/percentile.ts';
import { createRandom, type Random } from '../../model/src/random.ts';
import type { LatencySamples, PercentileKey } from './result.ts';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided, e.g. 0.95. */
  confidence: number;
}

/** 1,000 resamples put each end of a 95 % interval on 25 draws; the seed only makes reruns agree. */
export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 1_000, seed: 20_261_130, confidence: 0.95 };

const PERCENT: Record<PercentileKey, number> = { p50: 50, p90: 90, p95: 95, p99: 99 };

/** Every sample of a run, sorted once, each with the second (block) it came from. */
export interface SortedRun {
  values: Float64Array;
  blockOf: Uint32Array;
  blockSizes: number[];
}

function sortedRun(blocks: readonly (readonly number[])[]): SortedRun {
  const tagged = blocks.flatMap((block, index) => block.map((value) => [value, index] as const));
  tagged.sort((a, b) => a[0] - b[0]);
  return {
    values: Float64Array.from(tagged, ([value]) => value),
    blockOf: Uint32Array.from(tagged, ([, block]) => block),
    blockSizes: blocks.map((block) => block.length),
  };
}

/**
 * Percentiles of one resample (as many seconds as the run has, drawn with replacement, their latencies pooled)
 * without building or sorting the pool: a block drawn k times contributes each of its samples k times, so one
 * walk over the run's sorted samples, counting each by its block's draws, meets every rank in order. The rank is
 * the nearest rank of common/percentile.ts (bootstrap.test.ts checks the two agree on explicit pools).
 */
export function resampledPercentiles(
  run: SortedRun,
  draws: Uint32Array,
  percents: readonly number[],
): number[] {
  let pooledSize = 0;
  for (const [block, size] of run.blockSizes.entries()) pooledSize += (draws[block] ?? 0) * size;
  const ranks = percents.map((p) => Math.max(1, Math.ceil((p / 100) * pooledSize)));
  const found: number[] = [];
  let seen = 0;
  for (let index = 0; index < run.values.length && found.length < ranks.length; index++) {
    seen += draws[run.blockOf[index] ?? 0] ?? 0;
    while (found.length < ranks.length && seen >= (ranks[found.length] ?? 0)) {
      found.push(run.values[index] ?? 0);
    }
  }
  return found;
}

function drawBlocks(blockCount: number, random: Random): Uint32Array {
  const draws = new Uint32Array(blockCount);
  for (let drawn = 0; drawn < blockCount; drawn++) {
    const block = random.integer(0, blockCount - 1);
    draws[block] = (draws[block] ?? 0) + 1;
  }
  return draws;
}

export interface DifferenceInterval {
  /** The percentile of every current sample pooled, and of every base sample pooled. */
  current: number;
  base: number;
  /** current - base: the point estimate, from the same runs the interval resamples. */
  estimate: number;
  low: number;
  high: number;
}

/** The percentiles of every sample of these runs pooled. */
function pooledPercentiles(runs: readonly SortedRun[], percents: readonly number[]): number[] {
  const pooled = runs.flatMap((run) => Array.from(run.values));
  return percents.map((p) => percentile(pooled, p));
}

/** One more run of the commit, as it could have come out: one of its runs picked at random, then its seconds
 * resampled. */
function resampledRun(runs: readonly SortedRun[], percents: readonly number[], random: Random): number[] {
  const run = runs[runs.length === 1 ? 0 : random.integer(0, runs.length - 1)] as SortedRun;
  return resampledPercentiles(run, drawBlocks(run.blockSizes.length, random), percents);
}

/**
 * The `confidence` interval of (current - base) for each percentile, and its point estimate. `currents` are
 * repeated runs of one commit, `bases` repeated runs of another (the caller checks the commits). Each of
 * `resamples` rounds draws what one more run of each could have given (resampledRun) and takes the difference.
 * With one run each that is the plain two-sample block bootstrap; with several, the spread between whole runs (a
 * machine slower for a whole run) enters the interval too, which no resampling within one run can show. The
 * estimate pools every run of each side, the same data the interval resamples, so it lies inside the interval
 * (compare.test.ts checks it does).
 */
export function bootstrapDifference(
  currents: readonly LatencySamples[],
  bases: readonly LatencySamples[],
  keys: readonly PercentileKey[],
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Record<PercentileKey, DifferenceInterval> | null {
  const runsOf = (samples: readonly LatencySamples[]) =>
    samples
      .map((run) => run.map((second) => second.ms).filter((ms) => ms.length > 0))
      .filter((blocks) => blocks.length >= 2)
      .map(sortedRun);
  const currentRuns = runsOf(currents);
  const baseRuns = runsOf(bases);
  if (currentRuns.length === 0 || baseRuns.length === 0) return null;
  const random = createRandom(options.seed);
  // Ascending, so one walk finds every rank.
  const ordered = [...keys].sort((a, b) => PERCENT[a] - PERCENT[b]);
  const percents = ordered.map((key) => PERCENT[key]);
  const differences = new Map<PercentileKey, number[]>(keys.map((key) => [key, []]));
  for (let round = 0; round < options.resamples; round++) {
    const currentValues = resampledRun(currentRuns, percents, random);
    const baseValues = resampledRun(baseRuns, percents, random);
    for (const [index, key] of ordered.entries()) {
      differences.get(key)?.push((currentValues[index] ?? 0) - (baseValues[index] ?? 0));
    }
  }
  const currentPooled = pooledPercentiles(currentRuns, percents);
  const basePooled = pooledPercentiles(baseRuns, percents);
  const tail = ((1 - options.confidence) / 2) * 100;
  const intervals = {} as Record<PercentileKey, DifferenceInterval>;
  for (const [index, key] of ordered.entries()) {
    const spread = differences.get(key) ?? [];
    const current = currentPooled[index] ?? 0;
    const base = basePooled[index] ?? 0;
    intervals[key] = {
      current,
      base,
      estimate: current - base,
      low: percentile(spread, tail),
      high: percentile(spread, 100 - tail),
    };
  }
  return intervals;
}
