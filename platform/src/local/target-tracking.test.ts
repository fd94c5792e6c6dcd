import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SuspendedState } from '../port.ts';
import { nextCapacity, SCALE_IN_MARGIN, SCALE_IN_PERIODS, type TrackingInput } from './target-tracking.ts';

const active: SuspendedState = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};
const suspended: SuspendedState = {
  ...active,
  dynamicScalingInSuspended: true,
  dynamicScalingOutSuspended: true,
};
const input = (overrides: Partial<TrackingInput>): TrackingInput => ({
  current: 4,
  min: 1,
  max: 20,
  target: 0.5,
  utilizations: [],
  suspended: active,
  ...overrides,
});

describe('nextCapacity', () => {
  it('scales out after one period above target, to the capacity that brings it back to target', () => {
    expect(nextCapacity(input({ utilizations: [0.1, 0.1, 1] }))).toBe(8);
    expect(nextCapacity(input({ utilizations: [0.75] }))).toBe(6);
    expect(nextCapacity(input({ utilizations: [0.51] }))).toBe(5); // ceil(4.08)
  });

  it('holds at target and when the latest period is back under it', () => {
    expect(nextCapacity(input({ utilizations: [0.5] }))).toBe(4);
    expect(nextCapacity(input({ utilizations: [0.9, 0.4] }))).toBe(4);
  });

  it(`scales in only after ${SCALE_IN_PERIODS} periods all below ${SCALE_IN_MARGIN} of target`, () => {
    expect(nextCapacity(input({ utilizations: [0.2, 0.2] }))).toBe(4);
    expect(nextCapacity(input({ utilizations: [0.2, 0.46, 0.2] }))).toBe(4); // 0.46 > 0.45
    expect(nextCapacity(input({ utilizations: [0.9, 0.25, 0.1, 0.2] }))).toBe(2); // busiest low period, 0.25
    expect(nextCapacity(input({ current: 10, utilizations: [0, 0, 0] }))).toBe(1);
  });

  it('never leaves [min, max]', () => {
    expect(nextCapacity(input({ max: 6, utilizations: [1] }))).toBe(6);
    expect(nextCapacity(input({ min: 3, utilizations: [0, 0, 0] }))).toBe(3);
    expect(nextCapacity(input({ current: 0, min: 2 }))).toBe(2);
    expect(nextCapacity(input({ current: 30, max: 10, utilizations: [0.5] }))).toBe(10);
    fc.assert(
      fc.property(
        fc.nat(50),
        fc.nat(50),
        fc.nat(50),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (current, a, b, utilizations, inSuspended, outSuspended) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const next = nextCapacity(
            input({
              current,
              min,
              max,
              utilizations,
              suspended: {
                ...active,
                dynamicScalingInSuspended: inSuspended,
                dynamicScalingOutSuspended: outSuspended,
              },
            }),
          );
          expect(next).toBeGreaterThanOrEqual(min);
          expect(next).toBeLessThanOrEqual(max);
          if (outSuspended) expect(next).toBeLessThanOrEqual(Math.max(current, min));
          if (inSuspended) expect(next).toBeGreaterThanOrEqual(Math.min(current, max));
        },
      ),
    );
  });

  it('does nothing in a suspended direction, and still scales the other way', () => {
    const noOut = { ...active, dynamicScalingOutSuspended: true };
    const noIn = { ...active, dynamicScalingInSuspended: true };
    expect(nextCapacity(input({ utilizations: [1], suspended: noOut }))).toBe(4);
    expect(nextCapacity(input({ utilizations: [0, 0, 0], suspended: noOut }))).toBe(1);
    expect(nextCapacity(input({ utilizations: [0, 0, 0], suspended: noIn }))).toBe(4);
    expect(nextCapacity(input({ utilizations: [1], suspended: noIn }))).toBe(8);
    expect(nextCapacity(input({ utilizations: [1], suspended }))).toBe(4);
    expect(nextCapacity(input({ utilizations: [0, 0, 0], suspended }))).toBe(4);
  });

  it('keeps the current capacity with no utilisation yet', () => {
    expect(nextCapacity(input({ utilizations: [] }))).toBe(4);
  });

  it.each([
    [{ current: 1.5 }, /current = 1.5/],
    [{ min: -1 }, /min = -1/],
    [{ min: 5, max: 2 }, /min 5 is above max 2/],
    [{ target: 1 }, /target 1/],
    [{ target: 0 }, /target 0/],
    [{ utilizations: [0.5, Number.NaN] }, /utilization NaN/],
    [{ utilizations: [-0.1] }, /utilization -0.1/],
  ])('refuses %j', (overrides, message) => {
    expect(() => nextCapacity(input(overrides as Partial<TrackingInput>))).toThrow(message);
  });
});
