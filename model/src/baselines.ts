import { AREAS, type Area, type Household, MONTHS_PER_YEAR } from './domain.ts';
import type { HouseholdYear } from './generator.ts';

/**
 * The two estimators the model must beat, as functions of one household query → 12 kWh.
 * (a) flat: every month is the known month.
 * (b) coefficients: the area's average monthly profile over the training set, scaled so the known month matches —
 *     how Japanese bill estimators work today (one table of monthly coefficients per area).
 */

export type Estimator = (household: Household) => number[];

export const flatBaseline: Estimator = (household) =>
  new Array<number>(MONTHS_PER_YEAR).fill(household.knownUsage.kwh);

/** Average kWh per area and month over the training households. */
export type AreaProfiles = Record<Area, number[]>;

export function fitAreaProfiles(train: readonly HouseholdYear[]): AreaProfiles {
  const profiles = {} as AreaProfiles;
  for (const area of AREAS) {
    const years = train.filter((year) => year.area === area);
    if (years.length === 0)
      throw new Error(`no training households in area "${area}"; generate more households`);
    profiles[area] = Array.from(
      { length: MONTHS_PER_YEAR },
      (_, month) => years.reduce((sum, year) => sum + (year.monthlyKwh[month] ?? 0), 0) / years.length,
    );
  }
  return profiles;
}

export function coefficientBaseline(profiles: AreaProfiles): Estimator {
  return (household) => {
    const profile = profiles[household.area];
    const knownAverage = profile[household.knownUsage.month - 1] ?? Number.NaN;
    return profile.map((average) => (household.knownUsage.kwh * average) / knownAverage);
  };
}
