import { AREA_CLIMATE, DAYS_IN_MONTH, HOUSEHOLD } from './assumptions.ts';
import { AREAS, type Area, type Household, type Housing, MONTHS_PER_YEAR } from './domain.ts';
import { createRandom, type Random } from './random.ts';

/**
 * Synthetic household-years: a bottom-up sum of appliance, space-heating, cooling and (all-electric) hot-water
 * loads per month, each driven by the area's climate and scaled by the household's size, housing and its own
 * habits. Pure: the same seed and count give the same list.
 */

export interface HouseholdYear {
  id: number;
  area: Area;
  householdSize: number;
  housing: Housing;
  allElectric: boolean;
  /** kWh for January..December. */
  monthlyKwh: number[];
}

/** The household as the API would see it, with month `known` (0-based) as the bill it read. */
export function asQuery(year: HouseholdYear, known: number): Household {
  return {
    area: year.area,
    householdSize: year.householdSize,
    housing: year.housing,
    allElectric: year.allElectric,
    knownUsage: { month: known + 1, kwh: year.monthlyKwh[known] ?? Number.NaN },
  };
}

const AVERAGE_DAYS_PER_MONTH = 365 / MONTHS_PER_YEAR;

export function generateHouseholdYears(seed: number, count: number): HouseholdYear[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`household count must be a positive integer, got ${count}`);
  }
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, id) => generateOne(id, random));
}

function generateOne(id: number, random: Random): HouseholdYear {
  // Areas are drawn uniformly, not by population, so small areas (Okinawa, Hokuriku) have enough households.
  const area = AREAS[random.integer(0, AREAS.length - 1)] as Area;
  const climate = AREA_CLIMATE[area];
  const householdSize = 1 + random.weightedIndex(HOUSEHOLD.sizeWeights);
  const housing: Housing =
    random.uniform() < detachedProbability(climate.detachedShare, householdSize) ? 'detached' : 'apartment';
  const allElectricShare =
    housing === 'detached'
      ? climate.detachedAllElectricShare
      : climate.detachedAllElectricShare * HOUSEHOLD.apartmentAllElectricRatio;
  const allElectric = random.uniform() < allElectricShare;
  const hasAirConditioner = random.uniform() < climate.airConditionerShare;

  const sigma = HOUSEHOLD.sigma;
  const sizeScale = householdSize ** HOUSEHOLD.applianceSizeExponent;
  const hvacScale = householdSize ** HOUSEHOLD.hvacSizeExponent;
  const housingFactors = HOUSEHOLD[housing];
  const appliance =
    (HOUSEHOLD.applianceKwhPerMonth + (allElectric ? HOUSEHOLD.inductionCookingKwhPerMonth : 0)) *
    sizeScale *
    housingFactors.appliance *
    random.lognormal(sigma.appliance);
  const heatingShare = allElectric ? 1 : climate.electricHeatingShare;
  const heatingPerDegreeDay =
    ((HOUSEHOLD.heatKwhPerDegreeDay *
      climate.heatDemandFactor *
      housingFactors.heating *
      hvacScale *
      heatingShare) /
      climate.heatingCop) *
    random.lognormal(sigma.heating) *
    random.lognormal(sigma.heatingYear);
  const coolingPerDegreeDay = hasAirConditioner
    ? HOUSEHOLD.coolKwhPerDegreeDay *
      climate.coolingUseFactor *
      housingFactors.cooling *
      hvacScale *
      random.lognormal(sigma.cooling) *
      random.lognormal(sigma.coolingYear)
    : 0;
  const hotWaterPerLift = allElectric
    ? HOUSEHOLD.hotWaterKwhPerDegree *
      householdSize ** HOUSEHOLD.hotWaterSizeExponent *
      random.lognormal(sigma.hotWater)
    : 0;

  const monthlyKwh = climate.meanTempC.map((tempC, index) => {
    const days = DAYS_IN_MONTH[index] ?? 30;
    const winterSwing =
      1 + HOUSEHOLD.applianceWinterSwing * Math.cos((2 * Math.PI * index) / MONTHS_PER_YEAR);
    const load =
      appliance * (days / AVERAGE_DAYS_PER_MONTH) * winterSwing +
      heatingPerDegreeDay * heatingDegreeDays(tempC, days) +
      coolingPerDegreeDay * coolingDegreeDays(tempC, days) +
      hotWaterPerLift * hotWaterLiftPerCop(tempC) * days;
    return load * random.lognormal(HOUSEHOLD.monthlyNoiseSigma);
  });
  return { id, area, householdSize, housing, allElectric, monthlyKwh };
}

function detachedProbability(twoPersonShare: number, householdSize: number): number {
  const shift = HOUSEHOLD.detachedShareShiftBySize;
  const bySize = householdSize === 1 ? shift.single : householdSize === 2 ? shift.couple : shift.family;
  return Math.min(1, Math.max(0, twoPersonShare + bySize));
}

/** Expected heating degree-days when daily means scatter normally around the month's mean. */
export function heatingDegreeDays(meanTempC: number, days: number): number {
  return expectedExcess(HOUSEHOLD.heatingBaseC - meanTempC, HOUSEHOLD.dailyTempSpreadC) * days;
}

export function coolingDegreeDays(meanTempC: number, days: number): number {
  return expectedExcess(meanTempC - HOUSEHOLD.coolingBaseC, HOUSEHOLD.dailyTempSpreadC) * days;
}

/** °C of lift per unit COP for a heat-pump water heater in a month of this mean temperature. */
export function hotWaterLiftPerCop(airTempC: number): number {
  const inlet = HOUSEHOLD.inletWater;
  const inletC = Math.max(inlet.minC, inlet.slope * airTempC + inlet.offsetC);
  const cop = HOUSEHOLD.hotWaterCop;
  const coefficient = Math.min(cop.max, Math.max(cop.min, cop.base + cop.perDegree * airTempC));
  return (HOUSEHOLD.hotWaterTargetC - inletC) / coefficient;
}

/** E[max(0, X)] for X ~ N(mean, spread²): the smooth version of max(0, mean). */
function expectedExcess(mean: number, spread: number): number {
  const z = mean / spread;
  return spread * standardNormalDensity(z) + mean * standardNormalCdf(z);
}

function standardNormalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Abramowitz & Stegun 7.1.26 erf approximation (|error| < 1.5e-7), ample for degree-days. */
function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
