import { describe, expect, it } from 'vitest';
import { flatBaseline } from './baselines.ts';
import type { Household } from './domain.ts';
import type { HouseholdYear } from './generator.ts';
import { absolutePercentageError, evaluateMape } from './metrics.ts';

const year = (id: number, area: HouseholdYear['area'], monthlyKwh: number[]): HouseholdYear => ({
  id,
  area,
  householdSize: 1,
  housing: 'apartment',
  allElectric: false,
  monthlyKwh,
});

describe('absolutePercentageError', () => {
  it.each([
    [110, 100, 0.1],
    [90, 100, 0.1],
    [100, 100, 0],
    [300, 100, 2],
  ])('predicted %d against actual %d is %d', (predicted, actual, expected) => {
    expect(absolutePercentageError(predicted, actual)).toBeCloseTo(expected);
  });
});

describe('evaluateMape', () => {
  const constant = year(0, 'tokyo', Array(12).fill(100));
  const alternating = year(
    1,
    'okinawa',
    Array.from({ length: 12 }, (_, month) => (month % 2 === 0 ? 100 : 200)),
  );

  it('is 0 for an estimator that knows the truth', () => {
    const oracle = (household: Household) => (household.area === 'tokyo' ? constant : alternating).monthlyKwh;
    expect(evaluateMape(oracle, [constant, alternating]).overall).toBe(0);
  });

  it('scores only the 11 months the estimator had to predict, per area and overall', () => {
    const report = evaluateMape(flatBaseline, [constant, alternating]);
    // Known 100: five 200s are off by 50 %, five 100s exact, one 200 off by 50 % → 6 × 0.5 / 11.
    // Known 200: six 100s are off by 100 %, five 200s exact → 6 × 1 / 11. Six of each.
    const okinawa = (6 * ((6 * 0.5) / 11) + 6 * ((6 * 1) / 11)) / 12;
    expect(report.byArea.tokyo).toBe(0);
    expect(report.byArea.okinawa).toBeCloseTo(okinawa);
    expect(report.overall).toBeCloseTo(okinawa / 2);
    expect(report.byArea.kansai).toBeNaN();
  });

  it('refuses an empty held-out set', () => {
    expect(() => evaluateMape(flatBaseline, [])).toThrow(/held-out set is empty/);
  });
});
