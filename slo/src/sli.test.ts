import { describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from './definition.ts';
import { budgetRemaining } from './sli.ts';

const AVAILABILITY = SLO_DEFINITION.objectives[0];
if (AVAILABILITY === undefined) throw new Error('fixture lost the availability SLO');

describe('budgetRemaining', () => {
  // 1 - 0.9 is 0.09999999999999998 in floating point: unrounded, one bad request in ten would leave -2e-16.
  const ninety = { ...AVAILABILITY, target: 0.9 };

  it('reads exactly 0, not a negative float residue, when exactly the budget is spent', () => {
    const remaining = budgetRemaining(ninety, { good: 9, bad: 1, total: 10, measuredPeriods: 1 });
    expect(remaining).toBe(0);
    expect(Object.is(remaining, -0)).toBe(false);
  });

  it('goes below 0 (exhausted) once more than the budget is spent, and is undefined with nothing measured', () => {
    expect(budgetRemaining(ninety, { good: 8, bad: 2, total: 10, measuredPeriods: 1 })).toBe(-1);
    expect(budgetRemaining(ninety, { good: 10, bad: 0, total: 10, measuredPeriods: 1 })).toBe(1);
    expect(budgetRemaining(ninety, { good: 0, bad: 0, total: 0, measuredPeriods: 0 })).toBeUndefined();
  });
});
