/**
 * Nearest-rank percentile (p in 0..100): the smallest sample with at least p % of the samples at or below it.
 * One definition for every benchmark and report that ranks raw samples; the load tests use HDR histograms,
 * which answer the same question within their stated precision.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples: take at least one sample first');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p=${p} is outside 0..100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}
