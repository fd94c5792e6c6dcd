/**
 * A small seeded PRNG so the training set is a pure function of its seed: mulberry32 (32-bit state, period 2^32,
 * passes PractRand to 2^32 outputs, which is far more than one training run draws) plus the samplers the generator
 * needs. Kept here rather than pulled from a package because the generator's reproducibility rests on these exact
 * lines never changing under a dependency bump.
 */

export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** exp(N(0, sigma²)): a positive multiplicative factor with median 1. */
  lognormal(sigma: number): number;
  /** Uniform integer in [min, max]. */
  integer(min: number, max: number): number;
  /** Draws index i with probability weights[i] / sum(weights). */
  weightedIndex(weights: readonly number[]): number;
}

export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer in [0, 4294967295], got ${seed}; pass e.g. --seed 42`);
  }
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // 1 - u keeps the argument of log in (0, 1], so the draw is always finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    return radius * Math.cos(2 * Math.PI * uniform());
  };
  return {
    uniform,
    normal,
    lognormal: (sigma) => Math.exp(sigma * normal()),
    integer: (min, max) => min + Math.floor(uniform() * (max - min + 1)),
    weightedIndex: (weights) => {
      const total = weights.reduce((sum, w) => sum + w, 0);
      let remaining = uniform() * total;
      for (const [index, weight] of weights.entries()) {
        remaining -= weight;
        if (remaining < 0) return index;
      }
      return weights.length - 1;
    },
  };
}
