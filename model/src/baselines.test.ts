import { describe, expect, it } from 'vitest';
import { coefficientBaseline, fitAreaProfiles, flatBaseline } from './baselines.ts';
import { AREAS, type Area, type Household } from './domain.ts';
import type { HouseholdYear } from './generator.ts';

const query = (area: Area, month: number, kwh: number): Household => ({
  area,
  householdSize: 2,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month, kwh },
});

const yearIn = (area: Area, monthlyKwh: number[], id = 0): HouseholdYear => ({
  id,
  area,
  householdSize: 2,
  housing: 'apartment',
  allElectric: false,
  monthlyKwh,
});

/** Two households per area; Hokkaido's average profile is 300 in January, 100 in February..December. */
const train: HouseholdYear[] = AREAS.flatMap((area) =>
  area === 'hokkaido'
    ? [yearIn(area, [400, ...Array(11).fill(150)]), yearIn(area, [200, ...Array(11).fill(50)])]
    : [yearIn(area, Array(12).fill(200)), yearIn(area, Array(12).fill(100))],
);

describe('flatBaseline', () => {
  it('predicts the known bill for every month', () => {
    expect(flatBaseline(query('tokyo', 5, 321))).toEqual(Array(12).fill(321));
  });
});

describe('coefficientBaseline', () => {
  const profiles = fitAreaProfiles(train);

  it('averages each area’s months over its training households', () => {
    expect(profiles.hokkaido).toEqual([300, ...Array(11).fill(100)]);
    expect(profiles.tokyo).toEqual(Array(12).fill(150));
  });

  it.each([
    { known: 1, kwh: 600, january: 600, july: 200 },
    { known: 7, kwh: 50, january: 150, july: 50 },
  ])('scales the area profile so known month $known matches its bill', ({ known, kwh, january, july }) => {
    const predicted = coefficientBaseline(profiles)(query('hokkaido', known, kwh));
    expect(predicted[0]).toBeCloseTo(january);
    expect(predicted[6]).toBeCloseTo(july);
  });

  it('names the area that has no training households', () => {
    expect(() => fitAreaProfiles(train.filter((year) => year.area !== 'kyushu'))).toThrow(
      /no training households in area "kyushu"/,
    );
  });
});
