/**
 * The release's significance tests on counts of bad requests, pure and dependency-free: is a version's bad share
 * above what the SLO allows (one-sided binomial test), and is it above another version's over the same minutes
 * (one-sided Fisher exact test). Exact tests rather than normal approximations because the counts that matter are
 * tiny: at the SLO's 0.1 % a step of a few hundred requests expects well under one bad request, where a z-test's
 * normal approximation (valid from about five expected events per cell) misstates the tail by orders of magnitude.
 *
 * Tail sums start from one probability computed in log space (log-gamma) and walk the terms by their ratio, only
 * in the direction in which they shrink, so nothing under- or overflows for counts up to millions.
 */

/** A term that adds less than this share of the running sum cannot change a double: the walk stops there. */
const NEGLIGIBLE_SHARE = 1e-17;

/** Lanczos approximation (g = 7, nine coefficients): ~15 significant digits for x >= 0.5, all this file needs. */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x >= 1 (every caller passes a count + 1). */
function logGamma(x: number): number {
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0] as number;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i += 1) {
    series += (LANCZOS_COEFFICIENTS[i] as number) / (shifted + i);
  }
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Σ of `count` probabilities that never grow from the first: e^logFirst x (1 + r(1) + r(1) r(2) + …), where
 * ratio(i) is term i over term i - 1. Summed relative to the first term, so a first term below the smallest double
 * still scales a sum that is not.
 */
function shrinkingSum(logFirst: number, count: number, ratio: (i: number) => number): number {
  let sum = 1;
  let term = 1;
  for (let i = 1; i < count; i += 1) {
    term *= ratio(i);
    sum += term;
    if (term <= sum * NEGLIGIBLE_SHARE) break;
  }
  return Math.exp(logFirst + Math.log(sum));
}

const clampProbability = (p: number) => Math.min(1, Math.max(0, p));

function requireCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} = ${value} is not a count: pass a whole number >= 0`);
  }
}

function requireProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} = ${value} is not a probability: pass 0..1`);
}

function requireAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new Error(`alpha = ${alpha} is not a significance level: pass a number strictly between 0 and 1`);
  }
}

function requireBadOfTotal(side: string, bad: number, total: number): void {
  requireCount(`${side}bad`, bad);
  requireCount(`${side}total`, total);
  if (bad > total)
    throw new Error(`${side}bad = ${bad} exceeds ${side}total = ${total}: count bad among all`);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(k)) throw new Error(`k = ${k} is not a whole number of successes`);
  requireCount('n', n);
  requireProbability('p', p);
  if (k <= 0) return 1;
  if (k > n || p === 0) return 0;
  if (p === 1) return 1;
  const q = 1 - p;
  const logPmf = (x: number) => logChoose(n, x) + x * Math.log(p) + (n - x) * Math.log1p(-p);
  // Terms shrink above the mode (floor((n + 1) p) <= k whenever k > n p) and below it: walk away from it.
  if (k > n * p) {
    return clampProbability(shrinkingSum(logPmf(k), n - k + 1, (i) => ((n - k - i + 1) / (k + i)) * (p / q)));
  }
  const lower = shrinkingSum(logPmf(k - 1), k, (i) => ((k - i) / (n - k + i + 1)) * (q / p));
  return clampProbability(1 - lower);
}

/**
 * One-sided binomial test: true when `bad` of `total` is significantly more than `allowedRate` lets through, at
 * level alpha (H0: the true bad share is at most allowedRate; the p-value is P(X >= bad) at exactly allowedRate,
 * the boundary of H0). No requests is no evidence: false.
 */
export function exceedsRate(bad: number, total: number, allowedRate: number, alpha: number): boolean {
  requireBadOfTotal('', bad, total);
  requireProbability('allowedRate', allowedRate);
  requireAlpha(alpha);
  if (total === 0) return false;
  return binomialUpperTail(bad, total, allowedRate) <= alpha;
}

/**
 * One-sided Fisher exact test's p-value that A's bad share is above B's: P(X >= badA) for X, A's share of all the
 * bad requests, hypergeometric given the totals (scipy's fisher_exact([[badA, goodA], [badB, goodB]],
 * alternative='greater')).
 */
export function fisherExactGreater(badA: number, totalA: number, badB: number, totalB: number): number {
  requireBadOfTotal('A ', badA, totalA);
  requireBadOfTotal('B ', badB, totalB);
  const population = totalA + totalB;
  const bad = badA + badB;
  const drawn = totalA;
  const good = population - bad;
  const lowest = Math.max(0, drawn - good);
  const highest = Math.min(bad, drawn);
  if (badA <= lowest) return 1;
  const logPmf = (x: number) => logChoose(bad, x) + logChoose(good, drawn - x) - logChoose(population, drawn);
  // As for the binomial: the mode lies within one of the mean, so terms shrink from badA upwards when it is
  // above the mean, and from badA - 1 downwards otherwise.
  if (badA > (drawn * bad) / population) {
    return clampProbability(
      shrinkingSum(logPmf(badA), highest - badA + 1, (i) => {
        const x = badA + i - 1;
        return ((bad - x) * (drawn - x)) / ((x + 1) * (good - drawn + x + 1));
      }),
    );
  }
  const lower = shrinkingSum(logPmf(badA - 1), badA - lowest, (i) => {
    const x = badA - i;
    return (x * (good - drawn + x)) / ((bad - x + 1) * (drawn - x + 1));
  });
  return clampProbability(1 - lower);
}

/**
 * True when A's bad share is significantly above B's at level alpha (one-sided Fisher exact test, conditional on
 * the total of bad requests: exact at any count, so it holds its false-alarm rate at the few errors a step sees).
 * Either side without requests is nothing to compare: false.
 */
export function worseThan(
  badA: number,
  totalA: number,
  badB: number,
  totalB: number,
  alpha: number,
): boolean {
  requireAlpha(alpha);
  // Either side without requests leaves a single possible table, whose p-value is 1.
  return fisherExactGreater(badA, totalA, badB, totalB) <= alpha;
}
