import { AREAS, type Area, type Household, MONTHS_PER_YEAR } from './domain.ts';

/**
 * The one feature encoder, used by the trainer and the predictor alike. A household with one known bill becomes
 * a vector of FEATURE_COLUMNS; the model keeps a separate weight block per known month, so nothing here is crossed
 * with the month — the ONNX graph selects the block with the known-month one-hot.
 *
 * The level of the bill matters, not only its month: a Hokkaido home with a high January for its kind is a
 * heating-heavy one whose summer is NOT proportionally higher. The level is measured against what is typical for
 * the household's kind (area, size, housing, all-electric, month) — its "residual" ln(kWh) — and clamped to the
 * residuals seen in training. So an implausible bill (1e-9 kWh, or 10,000 kWh for one person in an apartment) gets
 * the shape of the nearest plausible household of its kind, scaled proportionally, instead of a wild extrapolation.
 */

/** Where a household's residual ln(kWh) is clamped: its own kind's training range, not the whole population's. */
export interface ResidualBounds {
  min: number;
  max: number;
}

/** Fitted on the training set, stored in the model card, and required to encode. */
export interface FeatureScaling {
  /** Per known month (12 rows), weights over CATEGORICAL_COLUMNS giving the typical ln(kWh) of that month's bill. */
  expectedLnKwh: number[][];
  /**
   * Clamp range of the residual per area and fuel: an all-electric home in Okinawa varies far less than one in
   * Hokkaido, and a global range would let Okinawa extrapolate into bills no Okinawa home has.
   */
  residualBounds: Record<Area, { mixedFuel: ResidualBounds; allElectric: ResidualBounds }>;
  /** Hinge points of the piecewise-linear residual term (global quartiles). */
  residualKnots: number[];
}

const KNOT_QUANTILES = [0.25, 0.5, 0.75] as const;
const CLAMP_QUANTILES = { min: 0.005, max: 0.995 } as const;

/** The household's kind, without its bill: also the regressors of the typical-bill fit. */
export const CATEGORICAL_COLUMNS: readonly string[] = [
  ...AREAS.map((area) => `area=${area}`),
  ...AREAS.map((area) => `area=${area}*allElectric`),
  ...AREAS.map((area) => `area=${area}*lnSize`),
  'detached',
  'allElectric',
  'detached*allElectric',
  'lnSize',
  'lnSize^2',
];
const LEVEL = 'residualLnKwh';
export const FEATURE_COLUMNS: readonly string[] = [
  ...CATEGORICAL_COLUMNS,
  LEVEL,
  ...KNOT_QUANTILES.map((_, index) => `hinge${index + 1}(${LEVEL})`),
  ...AREAS.map((area) => `area=${area}*${LEVEL}`),
  ...AREAS.map((area) => `area=${area}*allElectric*${LEVEL}`),
  `detached*${LEVEL}`,
  `allElectric*${LEVEL}`,
  `lnSize*${LEVEL}`,
];
export const CATEGORICAL_COUNT = CATEGORICAL_COLUMNS.length;
export const FEATURE_COUNT = FEATURE_COLUMNS.length;

/** The household's kind as numbers, in CATEGORICAL_COLUMNS order. */
export function encodeCategorical(household: Household): number[] {
  const values = new Float64Array(CATEGORICAL_COUNT);
  writeCategorical(household, values);
  return Array.from(values);
}

/** The typical ln(kWh) of a bill for this household's kind and known month. */
export function expectedLnKwh(household: Household, scaling: FeatureScaling): number {
  const values = new Float64Array(CATEGORICAL_COUNT);
  writeCategorical(household, values);
  return typicalLnKwh(values, household, scaling);
}

export interface TrainingResidual {
  area: Area;
  allElectric: boolean;
  residual: number;
}

/** Clamp ranges (per area and fuel) and knots from quantiles of the training residuals. */
export function residualScaling(
  expected: FeatureScaling['expectedLnKwh'],
  residuals: readonly TrainingResidual[],
): FeatureScaling {
  const bounds = (rows: readonly TrainingResidual[], what: string): ResidualBounds => {
    const sorted = sortedResiduals(rows, what);
    return { min: quantile(sorted, CLAMP_QUANTILES.min), max: quantile(sorted, CLAMP_QUANTILES.max) };
  };
  const residualBounds = Object.fromEntries(
    AREAS.map((area) => {
      const inArea = residuals.filter((row) => row.area === area);
      return [
        area,
        {
          mixedFuel: bounds(
            inArea.filter((row) => !row.allElectric),
            `${area} mixed-fuel`,
          ),
          allElectric: bounds(
            inArea.filter((row) => row.allElectric),
            `${area} all-electric`,
          ),
        },
      ];
    }),
  ) as FeatureScaling['residualBounds'];
  const all = sortedResiduals(residuals, 'all');
  return {
    expectedLnKwh: expected,
    residualBounds,
    residualKnots: KNOT_QUANTILES.map((q) => quantile(all, q)),
  };
}

/** The clamp range that applies to this household. */
export function residualBoundsOf(household: Household, scaling: FeatureScaling): ResidualBounds {
  const byFuel = scaling.residualBounds[household.area];
  return household.allElectric ? byFuel.allElectric : byFuel.mixedFuel;
}

function sortedResiduals(rows: readonly TrainingResidual[], what: string): number[] {
  if (rows.length === 0) throw new Error(`no training households for ${what}; generate more household-years`);
  return rows.map((row) => row.residual).sort((a, b) => a - b);
}

/**
 * The element at index floor(q x n), not common/percentile.ts's nearest rank (index ceil(q x n) - 1): the two differ
 * when q x n is whole, and this one is part of how the committed model was trained (`npm run train -- --check`
 * proves the artifact matches this code), so changing it means retraining, not tidying.
 */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Writes one household's features into target at offset (so a batch shares one typed array). */
export function encodeHousehold(
  household: Household,
  scaling: FeatureScaling,
  target: Float32Array | Float64Array,
  offset: number,
): void {
  // Built in float64 first, so the trainer (float64) and the predictor (float32) see the same residual.
  const values = new Float64Array(FEATURE_COUNT);
  const areaIndex = writeCategorical(household, values);
  const residual = Math.log(household.knownUsage.kwh) - typicalLnKwh(values, household, scaling);
  const bounds = residualBoundsOf(household, scaling);
  const level = Math.min(bounds.max, Math.max(bounds.min, residual));
  const allElectric = household.allElectric ? 1 : 0;
  let at = CATEGORICAL_COUNT;
  values[at++] = level;
  for (const knot of scaling.residualKnots) values[at++] = Math.max(0, level - knot);
  values[at + areaIndex] = level;
  at += AREAS.length;
  values[at + areaIndex] = allElectric * level;
  at += AREAS.length;
  values[at++] = (household.housing === 'detached' ? 1 : 0) * level;
  values[at++] = allElectric * level;
  values[at] = Math.log(household.householdSize) * level;
  target.set(values, offset);
}

/** Index 0..11 of the known month, validated. */
export function knownMonthIndex(household: Household): number {
  const { month } = household.knownUsage;
  if (!Number.isInteger(month) || month < 1 || month > MONTHS_PER_YEAR) {
    throw new Error(`knownUsage.month must be an integer 1-${MONTHS_PER_YEAR}, got ${month}`);
  }
  return month - 1;
}

/** Writes the CATEGORICAL_COLUMNS into values[0..] (values start zeroed); returns the area's index. */
function writeCategorical(household: Household, values: Float64Array): number {
  const areaIndex = AREAS.indexOf(household.area);
  if (areaIndex < 0) throw new Error(`unknown area "${household.area}"; expected one of ${AREAS.join(', ')}`);
  const detached = household.housing === 'detached' ? 1 : 0;
  const allElectric = household.allElectric ? 1 : 0;
  const lnSize = Math.log(household.householdSize);
  const areas = AREAS.length;
  values[areaIndex] = 1;
  values[areas + areaIndex] = allElectric;
  values[2 * areas + areaIndex] = lnSize;
  let at = 3 * areas;
  for (const value of [detached, allElectric, detached * allElectric, lnSize, lnSize * lnSize])
    values[at++] = value;
  return areaIndex;
}

function typicalLnKwh(values: Float64Array, household: Household, scaling: FeatureScaling): number {
  const coefficients = scaling.expectedLnKwh[knownMonthIndex(household)] ?? [];
  let sum = 0;
  for (let column = 0; column < CATEGORICAL_COUNT; column++)
    sum += (values[column] ?? 0) * (coefficients[column] ?? 0);
  return sum;
}
