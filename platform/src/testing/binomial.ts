/**
 * Tolerance for a count of successes among n independent draws of probability p: a test that a sampler hits p
 * accepts |observed - n p| <= sigmas x sqrt(n p (1 - p)). 4.5 sigma fails a correct sampler about once in
 * 150,000 runs (two-sided normal tail), while a sampler off by a few percentage points fails at the sample
 * sizes the tests use. Seeded draws make every run the same anyway; the tolerance keeps the seed arbitrary.
 */
export const BINOMIAL_SIGMAS = 4.5;

export function binomialTolerance(n: number, p: number, sigmas = BINOMIAL_SIGMAS): number {
  return sigmas * Math.sqrt(n * p * (1 - p));
}

/** Whether `successes` of `n` draws is within tolerance of probability `p`. */
export function withinBinomialTolerance(successes: number, n: number, p: number): boolean {
  return Math.abs(successes - n * p) <= binomialTolerance(n, p);
}
