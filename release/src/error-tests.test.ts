import { describe, expect, it } from 'vitest';
import { binomialUpperTail, exceedsRate, fisherExactGreater, worseThan } from './error-tests.ts';

/** Exact rational arithmetic as the reference: a tail from BigInt counts, as a double only at the end. */
function choose(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i += 1) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}
/** numerator / denominator to a double's precision, however small: 20 significant digits, then parsed. */
function ratio(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const digits = Math.max(0, denominator.toString().length - numerator.toString().length + 20);
  return Number(`${(numerator * 10n ** BigInt(digits)) / denominator}e-${digits}`);
}

/** P(X >= k), X ~ Bin(n, num/den), exactly. */
function exactBinomialTail(k: number, n: number, num: number, den: number): number {
  let sum = 0n;
  for (let x = Math.max(k, 0); x <= n; x += 1) {
    sum += choose(n, x) * BigInt(num) ** BigInt(x) * BigInt(den - num) ** BigInt(n - x);
  }
  return ratio(sum, BigInt(den) ** BigInt(n));
}

/** The one-sided Fisher p-value, exactly: Σ_{x >= badA} C(bad, x) C(good, totalA - x) / C(all, totalA). */
function exactFisherGreater(badA: number, totalA: number, badB: number, totalB: number): number {
  const bad = badA + badB;
  const good = totalA + totalB - bad;
  let sum = 0n;
  for (let x = badA; x <= Math.min(bad, totalA); x += 1) {
    if (totalA - x <= good) sum += choose(bad, x) * choose(good, totalA - x);
  }
  return ratio(sum, choose(totalA + totalB, totalA));
}

describe('binomialUpperTail', () => {
  it('equals the exact tail at every k of a small binomial', () => {
    for (let k = -1; k <= 62; k += 1) {
      const exact = exactBinomialTail(k, 60, 3, 10);
      expect(binomialUpperTail(k, 60, 0.3)).toBeCloseTo(exact, 13);
      if (exact > 1e-300) expect(binomialUpperTail(k, 60, 0.3) / exact).toBeCloseTo(1, 9);
    }
  });

  it('keeps its relative precision deep in the tail', () => {
    for (const k of [0, 1, 2, 3, 10, 40, 90]) {
      expect(binomialUpperTail(k, 200, 0.001) / exactBinomialTail(k, 200, 1, 1000)).toBeCloseTo(1, 8);
    }
  });

  // Reference values: scipy.stats.binom.sf(k - 1, n, p), scipy 1.17.1.
  it.each([
    { k: 1, n: 200, p: 0.001, expected: 0.1813511705213643 },
    { k: 3, n: 200, p: 0.001, expected: 0.0011337680974626502 },
    { k: 2, n: 200, p: 0.001, expected: 0.017457510966081852 },
    { k: 3, n: 200, p: 0.05, expected: 0.9976637058099361 },
    { k: 50, n: 1000, p: 0.001, expected: 3.7264670792676073e-66 },
    { k: 1000, n: 100_000, p: 0.009, expected: 0.0005210795104832424 },
    { k: 10_200, n: 1_000_000, p: 0.01, expected: 0.022742497360522286 },
    { k: 9800, n: 1_000_000, p: 0.01, expected: 0.9783174222773079 },
    { k: 1500, n: 1_000_000, p: 0.001, expected: 2.7806154254079264e-49 },
  ])('P(X >= $k) for Bin($n, $p) is scipy’s $expected', ({ k, n, p, expected }) => {
    expect(binomialUpperTail(k, n, p) / expected).toBeCloseTo(1, 6);
  });

  it('is 1 below the support, 0 above it, and exact at p = 0 and p = 1', () => {
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialUpperTail(10, 10, 1)).toBe(1);
    expect(binomialUpperTail(0, 0, 0.3)).toBe(1);
  });

  it('agrees with its mirror P(X >= k; n, p) = 1 - P(X >= n - k + 1; n, 1 - p) at a million draws', () => {
    for (const k of [999_000, 999_100, 998_950]) {
      const direct = binomialUpperTail(k, 1_000_000, 0.999);
      const mirrored = 1 - binomialUpperTail(1_000_000 - k + 1, 1_000_000, 0.001);
      expect(direct).toBeCloseTo(mirrored, 9);
    }
  });

  it.each([
    { name: 'a fractional k', call: () => binomialUpperTail(1.5, 10, 0.1), message: /k = 1.5/ },
    { name: 'a negative n', call: () => binomialUpperTail(1, -1, 0.1), message: /n = -1/ },
    { name: 'p above 1', call: () => binomialUpperTail(1, 10, 1.1), message: /p = 1.1/ },
    { name: 'p NaN', call: () => binomialUpperTail(1, 10, Number.NaN), message: /p = NaN/ },
  ])('refuses $name, naming it', ({ call, message }) => {
    expect(call).toThrow(message);
  });
});

describe('exceedsRate', () => {
  it.each([
    { name: 'no bad requests', bad: 0, total: 10_000, expected: false },
    { name: 'two bad of 200 (p = 0.017 > 0.01)', bad: 2, total: 200, expected: false },
    { name: 'three bad of 200 (p = 0.0011)', bad: 3, total: 200, expected: true },
    { name: 'ten bad of 200 (5 %)', bad: 10, total: 200, expected: true },
    { name: 'exactly the allowed share of 100,000', bad: 100, total: 100_000, expected: false },
    { name: 'no requests at all', bad: 0, total: 0, expected: false },
  ])('at 0.1 % allowed and alpha 0.01: $name → $expected', ({ bad, total, expected }) => {
    expect(exceedsRate(bad, total, 0.001, 0.01)).toBe(expected);
  });

  it('refuses more bad requests than requests, and an alpha outside (0, 1)', () => {
    expect(() => exceedsRate(3, 2, 0.001, 0.01)).toThrow(/bad = 3 exceeds total = 2/);
    expect(() => exceedsRate(0, 2, 0.001, 0)).toThrow(/alpha = 0/);
    expect(() => exceedsRate(0, 2, 0.001, 1)).toThrow(/alpha = 1/);
  });
});

describe('fisherExactGreater', () => {
  // Reference values: scipy.stats.fisher_exact([[badA, goodA], [badB, goodB]], alternative='greater').pvalue.
  it.each([
    { name: 'the lady tasting tea', badA: 3, totalA: 4, badB: 1, totalB: 4, expected: 0.24285714285714283 },
    { name: '10 % against 2 %', badA: 10, totalA: 100, badB: 2, totalB: 100, expected: 0.016520054662092484 },
    {
      name: '2.5 % against 0.28 %',
      badA: 5,
      totalA: 200,
      badB: 5,
      totalB: 1800,
      expected: 0.0015777264868780162,
    },
    {
      name: 'three of 200 against one of 1800',
      badA: 3,
      totalA: 200,
      badB: 1,
      totalB: 1800,
      expected: 0.0036541598583761372,
    },
    {
      name: 'one of 200 against two of 1800',
      badA: 1,
      totalA: 200,
      badB: 2,
      totalB: 1800,
      expected: 0.27112159683445325,
    },
    {
      name: 'a million each',
      badA: 120,
      totalA: 1_000_000,
      badB: 80,
      totalB: 1_000_000,
      expected: 0.002841378765907282,
    },
    { name: 'A with none', badA: 0, totalA: 200, badB: 5, totalB: 1800, expected: 1 },
  ])('$name: scipy’s $expected', ({ badA, totalA, badB, totalB, expected }) => {
    expect(fisherExactGreater(badA, totalA, badB, totalB) / expected).toBeCloseTo(1, 7);
  });

  it('equals the exact hypergeometric tail on both sides of the mean', () => {
    for (let badA = 0; badA <= 12; badA += 1) {
      for (const badB of [0, 1, 4, 12]) {
        const exact = exactFisherGreater(badA, 40, badB, 70);
        expect(fisherExactGreater(badA, 40, badB, 70)).toBeCloseTo(exact, 12);
      }
    }
  });
});

describe('worseThan', () => {
  it.each<{ name: string; args: [number, number, number, number]; expected: boolean }>([
    { name: '10 % against 2 % at 100 each', args: [10, 100, 2, 100], expected: false },
    { name: '2.5 % against 0.28 %', args: [5, 200, 5, 1800], expected: true },
    { name: 'the same share', args: [2, 200, 18, 1800], expected: false },
    { name: 'a better share', args: [0, 200, 18, 1800], expected: false },
    { name: 'A without requests', args: [0, 0, 18, 1800], expected: false },
    { name: 'B without requests', args: [5, 200, 0, 0], expected: false },
  ])('at alpha 0.01: $name → $expected', ({ args, expected }) => {
    expect(worseThan(...args, 0.01)).toBe(expected);
  });

  it('is at alpha 0.05 what the p-value says', () => {
    expect(worseThan(10, 100, 2, 100, 0.05)).toBe(true);
  });

  it('refuses bad counts above their totals, naming the side', () => {
    expect(() => worseThan(5, 4, 0, 10, 0.01)).toThrow(/A bad = 5 exceeds A total = 4/);
    expect(() => worseThan(0, 4, 11, 10, 0.01)).toThrow(/B bad = 11 exceeds B total = 10/);
  });
});
