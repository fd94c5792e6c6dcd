/**
 * Compares a run with the base branch's last run and says whether each change is beyond run-to-run noise.
 * Pure. The noise rule (docs/load-testing.md, "Noise"):
 * - latency percentiles: a change counts when it exceeds max(NOISE_FLOOR_MS, share x base), the share growing
 *   towards the tail because fewer samples decide a high percentile;
 * - error rate: a two-proportion z-test at 95 % (|Δ| > 1.96 x pooled standard error), since errors are counts.
 */
import { type LoadTestResult, PERCENTILE_KEYS, type PercentileKey } from './result.ts';

/** Below this a latency change is timer and scheduler jitter on a shared runner, whatever its share. */
export const NOISE_FLOOR_MS = 1;
/** Share of the base value that repeated runs of the same commit stayed within: four `pr`-rate runs of one
 * commit on a shared 2-core runner (docs/load-testing.md, "Noise"), rounded up. Recalibrate on your runners. */
export const NOISE_SHARE: Record<PercentileKey, number> = { p50: 0.1, p90: 0.3, p95: 0.6, p99: 1 };
const Z_95 = 1.96;

export type Direction = 'better' | 'worse' | 'same';

export interface FigureComparison {
  figure: PercentileKey | 'errorRate';
  current: number | null;
  base: number | null;
  delta: number | null;
  /** Changes within ± this are noise. */
  noiseBand: number | null;
  beyondNoise: boolean | null;
  direction: Direction | null;
}

export interface Comparison {
  /** Why the two runs are not like for like, if they are not (different scenario or arrival rate). */
  caveats: string[];
  figures: FigureComparison[];
}

function directionOf(delta: number, beyondNoise: boolean): Direction {
  if (!beyondNoise) return 'same';
  // Every compared figure is lower-is-better.
  return delta > 0 ? 'worse' : 'better';
}

export function latencyNoiseBand(key: PercentileKey, baseMs: number): number {
  return Math.max(NOISE_FLOOR_MS, NOISE_SHARE[key] * baseMs);
}

export function errorRateNoiseBand(current: LoadTestResult, base: LoadTestResult): number | null {
  if (current.errorRate === null || base.errorRate === null) return null;
  if (current.requests === 0 || base.requests === 0) return null;
  const pooled =
    (current.errorRate * current.requests + base.errorRate * base.requests) /
    (current.requests + base.requests);
  return Z_95 * Math.sqrt(pooled * (1 - pooled) * (1 / current.requests + 1 / base.requests));
}

function compareFigure(
  figure: FigureComparison['figure'],
  current: number | null,
  base: number | null,
  band: number | null,
): FigureComparison {
  if (current === null || base === null || band === null) {
    return { figure, current, base, delta: null, noiseBand: band, beyondNoise: null, direction: null };
  }
  const delta = current - base;
  const beyondNoise = Math.abs(delta) > band;
  return {
    figure,
    current,
    base,
    delta,
    noiseBand: band,
    beyondNoise,
    direction: directionOf(delta, beyondNoise),
  };
}

export function compareResults(current: LoadTestResult, base: LoadTestResult): Comparison {
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
  const figures = PERCENTILE_KEYS.map((key) => {
    const baseMs = base.latencyMs[key];
    return compareFigure(
      key,
      current.latencyMs[key],
      baseMs,
      baseMs === null ? null : latencyNoiseBand(key, baseMs),
    );
  });
  figures.push(
    compareFigure('errorRate', current.errorRate, base.errorRate, errorRateNoiseBand(current, base)),
  );
  return { caveats, figures };
}
