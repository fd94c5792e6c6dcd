import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';
import { RidgeAccumulator } from './ridge.ts';

describe('RidgeAccumulator', () => {
  it('recovers the coefficients of a noiseless two-output linear map', () => {
    const random = createRandom(1);
    const ridge = new RidgeAccumulator(3, 2);
    for (let row = 0; row < 500; row++) {
      const x = [1, random.normal(), random.uniform() < 0.5 ? 0 : 1];
      ridge.add(x, [2 + 3 * (x[1] ?? 0) - (x[2] ?? 0), -1 + 0.5 * (x[2] ?? 0)]);
    }
    const weights = ridge.solve(1e-9, 'test');
    expect(ridge.rows).toBe(500);
    expect(weights.to2DArray().map((row) => row.map((value) => Number(value.toFixed(6)) + 0))).toEqual([
      [2, -1],
      [3, 0],
      [-1, 0.5],
    ]);
  });

  it('shrinks only the inputs given a large per-input penalty', () => {
    const ridge = new RidgeAccumulator(2, 1);
    for (let row = 0; row < 100; row++) ridge.add([1, row % 2], [1 + (row % 2)]);
    const [[intercept], [slope]] = ridge.solve([1e-9, 1e9], 'test').to2DArray() as [[number], [number]];
    expect(slope).toBeCloseTo(0, 5);
    expect(intercept).toBeCloseTo(1.5, 5);
  });

  it('names the system it cannot solve', () => {
    const ridge = new RidgeAccumulator(2, 1);
    ridge.add([1, 1], [1]);
    expect(() => ridge.solve(0, 'the test block')).toThrow(
      /ridge system for the test block is not positive definite/,
    );
  });
});
