import { describe, expect, it } from 'vitest';
import { CALIBRATION_TOLERANCE, PUBLISHED_ANNUAL_KWH } from './assumptions.ts';
import { AREAS, type Area, LIMITS, MONTHS_PER_YEAR } from './domain.ts';
import {
  asQuery,
  coolingDegreeDays,
  generateHouseholdYears,
  type HouseholdYear,
  heatingDegreeDays,
} from './generator.ts';

const years = generateHouseholdYears(11, 12_000);
const JANUARY = 0;
const AUGUST = 7;
const MAY = 4;

function meanMonth(rows: readonly HouseholdYear[], month: number): number {
  return rows.reduce((sum, row) => sum + (row.monthlyKwh[month] ?? 0), 0) / rows.length;
}
function annual(rows: readonly HouseholdYear[]): number {
  return rows.reduce((sum, row) => sum + row.monthlyKwh.reduce((a, b) => a + b, 0), 0) / rows.length;
}
const mixedFuel = (area: Area) => years.filter((row) => row.area === area && !row.allElectric);

describe('generateHouseholdYears', () => {
  it('is a pure function of its seed', () => {
    expect(generateHouseholdYears(5, 200)).toEqual(generateHouseholdYears(5, 200));
    expect(generateHouseholdYears(5, 200)).not.toEqual(generateHouseholdYears(6, 200));
  });

  it('gives every household 12 finite, positive months and inputs inside the API limits', () => {
    for (const year of years) {
      expect(year.monthlyKwh).toHaveLength(MONTHS_PER_YEAR);
      expect(year.monthlyKwh.every((kwh) => Number.isFinite(kwh) && kwh > 0 && kwh <= LIMITS.maxKwh)).toBe(
        true,
      );
      expect(year.householdSize).toBeGreaterThanOrEqual(LIMITS.householdSize.min);
      expect(year.householdSize).toBeLessThanOrEqual(LIMITS.householdSize.max);
    }
  });

  it('covers every area, both housing kinds and both fuels', () => {
    expect(new Set(years.map((year) => year.area))).toEqual(new Set(AREAS));
    expect(new Set(years.map((year) => year.housing))).toEqual(new Set(['apartment', 'detached']));
    expect(new Set(years.map((year) => year.allElectric))).toEqual(new Set([false, true]));
  });

  it.each([
    { area: 'hokkaido', higher: JANUARY, lower: AUGUST, atLeast: 1.3 },
    { area: 'tohoku', higher: JANUARY, lower: AUGUST, atLeast: 1.2 },
    { area: 'hokuriku', higher: JANUARY, lower: AUGUST, atLeast: 1.1 },
    { area: 'okinawa', higher: AUGUST, lower: JANUARY, atLeast: 1.5 },
    { area: 'kyushu', higher: AUGUST, lower: MAY, atLeast: 1.5 },
  ] as const)(
    '$area: average month $higher is at least $atLeast × month $lower',
    ({ area, higher, lower, atLeast }) => {
      const rows = mixedFuel(area);
      expect(meanMonth(rows, higher) / meanMonth(rows, lower)).toBeGreaterThan(atLeast);
    },
  );

  it('makes Kanto and Kansai milder in winter than the north (all households, as area tables average them)', () => {
    const inArea = (area: Area) => years.filter((year) => year.area === area);
    const winterSwing = (area: Area) => meanMonth(inArea(area), JANUARY) / meanMonth(inArea(area), MAY);
    expect(winterSwing('tokyo')).toBeLessThan(winterSwing('hokkaido'));
    expect(winterSwing('kansai')).toBeLessThan(winterSwing('tohoku'));
  });

  it('gives all-electric homes a far heavier winter than mixed-fuel homes in the same area', () => {
    const hokkaido = years.filter((year) => year.area === 'hokkaido');
    const allElectric = hokkaido.filter((year) => year.allElectric);
    expect(meanMonth(allElectric, JANUARY)).toBeGreaterThan(3 * meanMonth(mixedFuel('hokkaido'), JANUARY));
  });

  it('uses more in larger households and in detached houses, with annual totals near published averages', () => {
    const bySize = (size: number) => annual(years.filter((y) => y.householdSize === size && !y.allElectric));
    expect(bySize(1)).toBeGreaterThan(1_800);
    expect(bySize(1)).toBeLessThan(3_200);
    expect(bySize(4)).toBeGreaterThan(bySize(2));
    expect(bySize(2)).toBeGreaterThan(bySize(1));
    const byHousing = (housing: string) =>
      annual(years.filter((y) => y.housing === housing && y.householdSize === 3 && !y.allElectric));
    expect(byHousing('detached')).toBeGreaterThan(byHousing('apartment'));
  });

  it.each([
    {
      what: 'all households (areas equally weighted)',
      rows: years,
      published: PUBLISHED_ANNUAL_KWH.national,
    },
    {
      what: 'Hokuriku',
      rows: years.filter((y) => y.area === 'hokuriku'),
      published: PUBLISHED_ANNUAL_KWH.hokuriku,
    },
    {
      what: 'Hokkaido',
      rows: years.filter((y) => y.area === 'hokkaido'),
      published: PUBLISHED_ANNUAL_KWH.hokkaido,
    },
  ])('keeps the annual mean of $what near the survey’s $published kWh', ({ rows, published }) => {
    expect(Math.abs(annual(rows) / published - 1)).toBeLessThan(CALIBRATION_TOLERANCE);
  });

  it('makes Hokuriku the heaviest area over the year, as the survey finds', () => {
    const byArea = AREAS.map((area) => ({ area, kwh: annual(years.filter((y) => y.area === area)) }));
    expect(byArea.sort((a, b) => b.kwh - a.kwh)[0]?.area).toBe('hokuriku');
  });

  it.each([0, -3, 2.5])('rejects a household count of %s', (count) => {
    expect(() => generateHouseholdYears(1, count)).toThrow(/household count must be a positive integer/);
  });
});

describe('degree-days', () => {
  it.each([
    { tempC: -3, days: 31, heating: [550, 640], cooling: [0, 0.01] },
    { tempC: 16, days: 30, heating: [35, 50], cooling: [0, 3] },
    { tempC: 29, days: 31, heating: [0, 0.01], cooling: [200, 240] },
  ])(
    'a month at $tempC °C has heating and cooling degree-days in range',
    ({ tempC, days, heating, cooling }) => {
      expect(heatingDegreeDays(tempC, days)).toBeGreaterThanOrEqual(heating[0] ?? 0);
      expect(heatingDegreeDays(tempC, days)).toBeLessThanOrEqual(heating[1] ?? 0);
      expect(coolingDegreeDays(tempC, days)).toBeGreaterThanOrEqual(cooling[0] ?? 0);
      expect(coolingDegreeDays(tempC, days)).toBeLessThanOrEqual(cooling[1] ?? 0);
    },
  );
});

describe('asQuery', () => {
  it('turns a household-year into the API household with the chosen month as the known bill', () => {
    const [year] = years;
    if (!year) throw new Error('no households generated');
    expect(asQuery(year, 6)).toEqual({
      area: year.area,
      householdSize: year.householdSize,
      housing: year.housing,
      allElectric: year.allElectric,
      knownUsage: { month: 7, kwh: year.monthlyKwh[6] },
    });
  });
});
