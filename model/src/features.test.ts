import { describe, expect, it } from 'vitest';
import { AREAS, type Household } from './domain.ts';
import {
  CATEGORICAL_COLUMNS,
  CATEGORICAL_COUNT,
  encodeCategorical,
  encodeHousehold,
  expectedLnKwh,
  FEATURE_COLUMNS,
  FEATURE_COUNT,
  type FeatureScaling,
  knownMonthIndex,
  residualBoundsOf,
  residualScaling,
} from './features.ts';

const household: Household = {
  area: 'tohoku',
  householdSize: 4,
  housing: 'detached',
  allElectric: true,
  knownUsage: { month: 3, kwh: 500 },
};

/** Typical ln(kWh) = ln 400 for every kind and month: only the area one-hots carry weight. */
const scaling: FeatureScaling = {
  expectedLnKwh: Array.from({ length: 12 }, () =>
    CATEGORICAL_COLUMNS.map((column) =>
      column.startsWith('area=') && !column.includes('*') ? Math.log(400) : 0,
    ),
  ),
  residualBounds: Object.fromEntries(
    AREAS.map((area) => [area, { mixedFuel: { min: -0.5, max: 0.5 }, allElectric: { min: -0.2, max: 0.8 } }]),
  ) as FeatureScaling['residualBounds'],
  residualKnots: [-0.1, 0, 0.1],
};

function encode(input: Household): Map<string, number> {
  const target = new Float64Array(FEATURE_COUNT);
  encodeHousehold(input, scaling, target, 0);
  return new Map(FEATURE_COLUMNS.map((column, index) => [column, target[index] ?? Number.NaN]));
}

describe('encodeCategorical', () => {
  it('sets the area one-hot, its crosses with fuel and size, and the housing terms', () => {
    const values = new Map(
      CATEGORICAL_COLUMNS.map((column, index) => [column, encodeCategorical(household)[index]]),
    );
    expect(values.get('area=tohoku')).toBe(1);
    expect(values.get('area=tokyo')).toBe(0);
    expect(values.get('area=tohoku*allElectric')).toBe(1);
    expect(values.get('area=tohoku*lnSize')).toBeCloseTo(Math.log(4));
    expect(values.get('detached*allElectric')).toBe(1);
    expect(values.get('lnSize^2')).toBeCloseTo(Math.log(4) ** 2);
    expect(encodeCategorical(household)).toHaveLength(CATEGORICAL_COUNT);
  });

  it('names the allowed areas when given an unknown one', () => {
    expect(() => encodeCategorical({ ...household, area: 'mars' as Household['area'] })).toThrow(
      /unknown area "mars"; expected one of hokkaido, tohoku/,
    );
  });
});

describe('encodeHousehold', () => {
  it('measures the bill against the typical one for its kind and crosses that level with the kind', () => {
    const values = encode(household);
    const level = Math.log(500 / 400);
    expect(expectedLnKwh(household, scaling)).toBeCloseTo(Math.log(400));
    expect(values.get('residualLnKwh')).toBeCloseTo(level);
    expect(values.get('hinge1(residualLnKwh)')).toBeCloseTo(level + 0.1);
    expect(values.get('hinge3(residualLnKwh)')).toBeCloseTo(level - 0.1);
    expect(values.get('area=tohoku*allElectric*residualLnKwh')).toBeCloseTo(level);
    expect(values.get('area=kansai*residualLnKwh')).toBe(0);
    expect(values.get('lnSize*residualLnKwh')).toBeCloseTo(Math.log(4) * level);
  });

  it.each([
    { kwh: 1e-9, allElectric: true, clampedTo: -0.2 },
    { kwh: 10_000, allElectric: true, clampedTo: 0.8 },
    { kwh: 1e-9, allElectric: false, clampedTo: -0.5 },
    { kwh: 10_000, allElectric: false, clampedTo: 0.5 },
  ])('clamps a $kwh kWh bill to its kind’s range ($clampedTo)', ({ kwh, allElectric, clampedTo }) => {
    const values = encode({ ...household, allElectric, knownUsage: { month: 3, kwh } });
    expect(values.get('residualLnKwh')).toBeCloseTo(clampedTo);
    expect([...values.values()].every(Number.isFinite)).toBe(true);
  });

  it('writes at the offset so one typed array holds a batch', () => {
    const batch = new Float32Array(2 * FEATURE_COUNT);
    encodeHousehold(household, scaling, batch, FEATURE_COUNT);
    expect(batch.subarray(0, FEATURE_COUNT).every((value) => value === 0)).toBe(true);
    expect(batch[FEATURE_COUNT + AREAS.indexOf('tohoku')]).toBe(1);
  });
});

describe('knownMonthIndex', () => {
  it.each([
    [1, 0],
    [12, 11],
  ])('maps month %i to index %i', (month, index) => {
    expect(knownMonthIndex({ ...household, knownUsage: { month, kwh: 1 } })).toBe(index);
  });

  it.each([0, 13, 2.5])('rejects month %s', (month) => {
    expect(() => knownMonthIndex({ ...household, knownUsage: { month, kwh: 1 } })).toThrow(
      /knownUsage.month must be an integer 1-12/,
    );
  });
});

describe('residualScaling', () => {
  const residuals = AREAS.flatMap((area) =>
    [false, true].flatMap((allElectric) =>
      Array.from({ length: 1_000 }, (_, index) => ({ area, allElectric, residual: (index - 500) / 500 })),
    ),
  );

  it('takes each kind’s clamp range from its own residual quantiles and the knots from all of them', () => {
    const fitted = residualScaling(scaling.expectedLnKwh, [
      ...residuals.filter((row) => row.area !== 'okinawa'),
      ...residuals
        .filter((row) => row.area === 'okinawa')
        .map((row) => ({ ...row, residual: row.residual / 10 })),
    ]);
    expect(residualBoundsOf(household, fitted)).toEqual({ min: -0.99, max: 0.99 });
    expect(residualBoundsOf({ ...household, area: 'okinawa' }, fitted)).toEqual({ min: -0.099, max: 0.099 });
    expect(residualScaling(scaling.expectedLnKwh, residuals).residualKnots).toEqual([-0.5, 0, 0.5]);
  });

  it('names the kind that has no training households', () => {
    expect(() =>
      residualScaling(
        scaling.expectedLnKwh,
        residuals.filter((row) => row.area !== 'shikoku'),
      ),
    ).toThrow(/no training households for shikoku mixed-fuel/);
  });
});
