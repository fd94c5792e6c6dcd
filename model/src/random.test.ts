import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

const draw = (seed: number, count: number) => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.uniform());
};

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
  });

  it('gives a different sequence for a different seed', () => {
    expect(draw(42, 10)).not.toEqual(draw(43, 10));
  });

  it('draws uniforms in [0, 1) with a mean near 1/2', () => {
    const values = draw(7, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 2);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const random = createRandom(3);
    const values = Array.from({ length: 50_000 }, () => random.normal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('draws integers inside the inclusive range, reaching both ends', () => {
    const random = createRandom(5);
    const values = new Set(Array.from({ length: 1_000 }, () => random.integer(1, 4)));
    expect([...values].sort()).toEqual([1, 2, 3, 4]);
  });

  it('never draws an index whose weight is zero', () => {
    const random = createRandom(9);
    const picks = Array.from({ length: 1_000 }, () => random.weightedIndex([0, 3, 0, 1]));
    expect(new Set(picks)).toEqual(new Set([1, 3]));
    expect(picks.filter((pick) => pick === 1).length).toBeGreaterThan(650);
  });

  it.each([-1, 1.5, 2 ** 32, Number.NaN])('rejects seed %s, naming the allowed range', (seed) => {
    expect(() => createRandom(seed)).toThrow(/seed must be an integer in \[0, 4294967295\]/);
  });
});
