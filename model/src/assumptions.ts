import type { Area } from './domain.ts';

/**
 * The stated assumptions behind the synthetic training set, as data. Every number here is an approximation chosen
 * to land near published figures (see docs/model-card.md for the sources and what each one stands for); none is
 * fitted to household micro-data. The generator is a pure function of these tables and a seed.
 */

export interface AreaClimate {
  /** Representative city whose climate stands for the area. */
  city: string;
  /** Monthly mean air temperature, °C, Jan..Dec — JMA 1991–2020 normals, rounded to 0.1 °C. */
  meanTempC: readonly number[];
  /** Heat demand relative to Tokyo: longer whole-home heating in the north outweighs its better insulation. */
  heatDemandFactor: number;
  /** Share of space heating that is electric in homes that are not all-electric (the rest: kerosene, gas). */
  electricHeatingShare: number;
  /** Effective coefficient of performance of electric heating (cold climates: more resistive/storage heaters). */
  heatingCop: number;
  /** Share of households with an air conditioner used for cooling. */
  airConditionerShare: number;
  /** Cooling use relative to Tokyo at the same degree-days (humidity, hours of use). */
  coolingUseFactor: number;
  /** Probability that a detached home is all-electric (apartments: APARTMENT_ALL_ELECTRIC_RATIO of this). */
  detachedAllElectricShare: number;
  /** Probability that a 2-person household lives in a detached house. */
  detachedShare: number;
}

export const AREA_CLIMATE: Record<Area, AreaClimate> = {
  hokkaido: {
    city: 'Sapporo',
    meanTempC: [-3.2, -2.7, 1.1, 7.3, 13.0, 17.0, 21.1, 22.3, 18.6, 12.1, 5.2, -0.9],
    heatDemandFactor: 1.4,
    electricHeatingShare: 0.2,
    heatingCop: 1.8,
    airConditionerShare: 0.5,
    coolingUseFactor: 0.8,
    detachedAllElectricShare: 0.08,
    detachedShare: 0.5,
  },
  tohoku: {
    city: 'Sendai',
    meanTempC: [2.0, 2.4, 5.5, 10.7, 15.6, 19.2, 22.9, 24.4, 21.2, 15.7, 9.8, 4.5],
    heatDemandFactor: 1.25,
    electricHeatingShare: 0.45,
    heatingCop: 2.0,
    airConditionerShare: 0.85,
    coolingUseFactor: 0.9,
    detachedAllElectricShare: 0.22,
    detachedShare: 0.65,
  },
  tokyo: {
    city: 'Tokyo',
    meanTempC: [5.4, 6.1, 9.4, 14.3, 18.8, 21.9, 25.7, 26.9, 23.3, 18.0, 12.5, 7.7],
    heatDemandFactor: 1.0,
    electricHeatingShare: 0.7,
    heatingCop: 2.8,
    airConditionerShare: 0.97,
    coolingUseFactor: 1.0,
    detachedAllElectricShare: 0.12,
    detachedShare: 0.4,
  },
  chubu: {
    city: 'Nagoya',
    meanTempC: [4.8, 5.5, 9.2, 14.6, 19.4, 23.0, 26.9, 28.2, 24.5, 18.6, 12.6, 7.2],
    heatDemandFactor: 1.05,
    electricHeatingShare: 0.6,
    heatingCop: 2.7,
    airConditionerShare: 0.97,
    coolingUseFactor: 1.0,
    detachedAllElectricShare: 0.2,
    detachedShare: 0.6,
  },
  hokuriku: {
    city: 'Kanazawa',
    meanTempC: [4.0, 4.2, 7.3, 12.4, 17.4, 21.4, 25.6, 27.3, 23.4, 17.8, 12.1, 6.8],
    heatDemandFactor: 1.5,
    electricHeatingShare: 0.75,
    heatingCop: 2.3,
    airConditionerShare: 0.95,
    coolingUseFactor: 0.95,
    detachedAllElectricShare: 0.35,
    detachedShare: 0.75,
  },
  kansai: {
    city: 'Osaka',
    meanTempC: [6.2, 6.6, 9.9, 15.2, 20.1, 23.6, 27.7, 29.0, 25.2, 19.5, 13.8, 8.7],
    heatDemandFactor: 0.95,
    electricHeatingShare: 0.7,
    heatingCop: 2.8,
    airConditionerShare: 0.97,
    coolingUseFactor: 1.05,
    detachedAllElectricShare: 0.16,
    detachedShare: 0.5,
  },
  chugoku: {
    city: 'Hiroshima',
    meanTempC: [5.4, 6.2, 9.5, 14.8, 19.6, 23.1, 27.2, 28.5, 24.7, 18.8, 12.9, 7.6],
    heatDemandFactor: 1.0,
    electricHeatingShare: 0.6,
    heatingCop: 2.7,
    airConditionerShare: 0.96,
    coolingUseFactor: 1.05,
    detachedAllElectricShare: 0.25,
    detachedShare: 0.65,
  },
  shikoku: {
    city: 'Takamatsu',
    meanTempC: [5.9, 6.3, 9.4, 14.7, 19.8, 23.3, 27.5, 28.6, 24.7, 19.0, 13.2, 8.1],
    heatDemandFactor: 0.95,
    electricHeatingShare: 0.65,
    heatingCop: 2.8,
    airConditionerShare: 0.96,
    coolingUseFactor: 1.1,
    detachedAllElectricShare: 0.25,
    detachedShare: 0.7,
  },
  kyushu: {
    city: 'Fukuoka',
    meanTempC: [6.9, 7.8, 10.8, 15.4, 19.9, 23.3, 27.4, 28.4, 24.7, 19.6, 14.2, 9.1],
    heatDemandFactor: 0.9,
    electricHeatingShare: 0.6,
    heatingCop: 2.9,
    airConditionerShare: 0.97,
    coolingUseFactor: 1.3,
    detachedAllElectricShare: 0.28,
    detachedShare: 0.6,
  },
  okinawa: {
    city: 'Naha',
    meanTempC: [17.3, 17.5, 19.1, 21.5, 24.2, 27.2, 29.1, 29.0, 27.9, 25.5, 22.5, 19.0],
    heatDemandFactor: 0.8,
    electricHeatingShare: 0.9,
    heatingCop: 3.0,
    airConditionerShare: 0.98,
    coolingUseFactor: 1.5,
    detachedAllElectricShare: 0.2,
    detachedShare: 0.45,
  },
};

/** Days per month in a non-leap year: monthly loads that run every day scale with these. */
export const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Household assumptions that do not depend on the area. */
export const HOUSEHOLD = {
  /**
   * Household size weights for 1..10 persons: 2020 census shares (38 % single, 28 % two, 17 % three, 12 % four,
   * 4 % five, 1 % six) with 5+ persons over-sampled so the model still sees large households.
   */
  sizeWeights: [34, 27, 16, 13, 5, 2, 1, 0.7, 0.5, 0.4],
  /** Detached-share shift by size: singles mostly rent apartments, families of 3+ more often own houses. */
  detachedShareShiftBySize: { single: -0.25, couple: 0, family: 0.15 },
  apartmentAllElectricRatio: 0.3,
  /** Appliances, lighting, fridge: kWh per 30.4-day month for one person; scales with size^exponent. */
  applianceKwhPerMonth: 130,
  applianceSizeExponent: 0.5,
  /** IH cooktop in all-electric homes, kWh per 30.4-day month for one person (same size exponent). */
  inductionCookingKwhPerMonth: 20,
  /** Lighting and indoor time make winter months this fraction heavier than summer ones (cosine, peak in Jan). */
  applianceWinterSwing: 0.05,
  /** Detached homes: more floor area, more rooms lit and heated. */
  detached: { appliance: 1.15, heating: 1.0, cooling: 1.0 },
  apartment: { appliance: 1.0, heating: 0.55, cooling: 0.75 },
  /** Thermal heat demand, kWh per heating degree-day (base HEATING_BASE_C) for a 1-person detached home. */
  heatKwhPerDegreeDay: 2.0,
  heatingBaseC: 16,
  /** Electricity per cooling degree-day (base COOLING_BASE_C) for a 1-person detached home with an AC. */
  coolKwhPerDegreeDay: 0.65,
  coolingBaseC: 22,
  /** Heating and cooling grow slowly with household size (more rooms used, not more floor area per person). */
  hvacSizeExponent: 0.3,
  /** Daily temperatures spread around the monthly mean, so shoulder months still see some heating/cooling. */
  dailyTempSpreadC: 3.5,
  /** EcoCute heat-pump water heater: kWh of heat per person-day per °C lift, and its size exponent. */
  hotWaterKwhPerDegree: 0.18,
  hotWaterSizeExponent: 0.7,
  hotWaterTargetC: 40,
  /** Mains water follows air temperature with a damped swing, never below 5 °C. */
  inletWater: { slope: 0.8, offsetC: 4, minC: 5 },
  /** Heat-pump water heater COP = clamp(base + perDegree * airTemp, min, max). */
  hotWaterCop: { base: 2.5, perDegree: 0.06, min: 1.6, max: 4.0 },
  /** Per-household spreads (sigma of ln): habits, floor area, insulation, the year's weather. */
  sigma: { appliance: 0.25, heating: 0.35, cooling: 0.4, hotWater: 0.2, heatingYear: 0.12, coolingYear: 0.2 },
  /** Month-to-month noise on each bill (reading-period length, trips, guests). */
  monthlyNoiseSigma: 0.08,
} as const;

/**
 * Published annual electricity per household the generator is calibrated against (Ministry of the Environment,
 * 家庭部門のCO2排出実態統計調査, FY2021 確報: national mean 4,175 kWh; Hokuriku the highest at 5,833 kWh;
 * Hokkaido the lowest at 3,719 kWh). Tests hold the generator within CALIBRATION_TOLERANCE of these.
 */
export const PUBLISHED_ANNUAL_KWH = { national: 4_175, hokuriku: 5_833, hokkaido: 3_719 } as const;
export const CALIBRATION_TOLERANCE = 0.1;
