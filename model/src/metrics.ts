import type { Estimator } from './baselines.ts';
import { AREAS, type Area, MONTHS_PER_YEAR } from './domain.ts';
import { asQuery, type HouseholdYear } from './generator.ts';

/**
 * Mean absolute percentage error over held-out household-years, every month in turn taken as the known bill,
 * scored on the 11 months the estimator had to predict (the known month is exact for all three estimators and
 * would only dilute the comparison).
 */

export interface MapeReport {
  overall: number;
  byArea: Record<Area, number>;
}

export function evaluateMape(estimator: Estimator, heldOut: readonly HouseholdYear[]): MapeReport {
  const sums = new Map<Area, { error: number; count: number }>(
    AREAS.map((area) => [area, { error: 0, count: 0 }]),
  );
  for (const year of heldOut) {
    const tally = sums.get(year.area);
    if (!tally) continue;
    for (let known = 0; known < MONTHS_PER_YEAR; known++) {
      const predicted = estimator(asQuery(year, known));
      for (let month = 0; month < MONTHS_PER_YEAR; month++) {
        if (month === known) continue;
        tally.error += absolutePercentageError(
          predicted[month] ?? Number.NaN,
          year.monthlyKwh[month] ?? Number.NaN,
        );
        tally.count += 1;
      }
    }
  }
  const byArea = {} as Record<Area, number>;
  let error = 0;
  let count = 0;
  for (const [area, tally] of sums) {
    byArea[area] = tally.count === 0 ? Number.NaN : tally.error / tally.count;
    error += tally.error;
    count += tally.count;
  }
  if (count === 0) throw new Error('held-out set is empty; nothing to evaluate');
  return { overall: error / count, byArea };
}

/** |predicted − actual| / actual, as a fraction (0.1 = 10 %). */
export function absolutePercentageError(predicted: number, actual: number): number {
  return Math.abs(predicted - actual) / actual;
}
